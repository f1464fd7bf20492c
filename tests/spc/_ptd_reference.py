"""Independent, deliberately naive per-series reference for XmR charts.

A line-by-line transcription of NHSRplotthedots 0.2.2 (ptd_spc_standard, ptd_special_cause_type,
ptd_point_type) in plain Python loops, with exact rational means (R's mean() is correctly rounded
in practice). Where R would error (missing value in a trend window) a missing value breaks the
window, as the engine documents.
"""

from __future__ import annotations

import math
from fractions import Fraction

LIMIT = 2.66
CLOSE = 2 * (LIMIT / 3)


def r_mean(xs):
    xs = [x for x in xs if x is not None]
    if not xs:
        return math.nan
    return float(sum(Fraction(x) for x in xs) / len(xs))


def sign(x):
    return (x > 0) - (x < 0)


def limits(ys, fix=None, screen=True):
    n = len(ys)
    fix_y = [y if fix is None or i < fix else None for i, y in enumerate(ys)]
    mean = r_mean(fix_y)
    mr = [None] + [
        abs(fix_y[i] - fix_y[i - 1]) if fix_y[i] is not None and fix_y[i - 1] is not None else None
        for i in range(1, n)
    ]
    amr = r_mean(mr)
    if screen:
        mr = [m if m is not None and m < 3.267 * amr else None for m in mr]
        amr = r_mean(mr)
    return fix_y, mean, mean - LIMIT * amr, mean + LIMIT * amr, mean - CLOSE * amr, mean + CLOSE * amr


def part_of(ends, width):
    n = len(ends)
    return [any(ends[j] for j in range(i, min(n, i + width))) for i in range(n)]


def classify(ys, mean, lpl, upl, nlpl, nupl, direction):
    n = len(ys)
    nan_limits = math.isnan(lpl) or math.isnan(upl)
    outside, close, rtm = [], [], []
    for y in ys:
        if y is None:
            outside.append(None), close.append(None), rtm.append(None)
            continue
        rtm.append(None if math.isnan(mean) else sign(y - mean))
        if nan_limits:
            outside.append(None), close.append(None)
            continue
        o = y > upl or y < lpl
        outside.append(o)
        close.append((not o) and (y < nlpl or y > nupl))

    # 7 point trend: windows of 7 values, 6 strict steps the same way
    trend_end = [0] * n
    for i in range(6, n):
        w = ys[i - 6 : i + 1]
        if any(v is None for v in w):
            continue
        d = [sign(w[k + 1] - w[k]) for k in range(6)]
        trend_end[i] = 1 if all(x == 1 for x in d) else (-1 if all(x == -1 for x in d) else 0)
    trend = part_of([e != 0 for e in trend_end], 7)

    # 7 points on one side of the mean
    shift_end = [False] * n
    for i in range(6, n):
        w = rtm[i - 6 : i + 1]
        shift_end[i] = all(v is not None and v == w[-1] and v != 0 for v in w)
    shift = part_of(shift_end, 7)

    # 2 in 3, with R's padding
    cp = [0, 0] + [1 if c else 0 for c in close] + [0, 0]
    rp = [0, 0] + [r if r is not None else 0 for r in rtm] + [0, 0]

    def win(s):
        return sum(cp[s : s + 3]) >= 2 and abs(sum(rp[s : s + 3])) == 3

    tit = [bool(close[i]) and (win(i) or win(i + 1) or win(i + 2)) for i in range(n)]

    # trend label: step to the next point if it is also in a trend, else step from previous
    sdy = [sign(ys[i + 1] - ys[i]) if ys[i] is not None and ys[i + 1] is not None else None
           for i in range(n - 1)]
    labels = []
    for i in range(n):
        if i + 1 < n and trend[i + 1] and trend[i]:
            s = sdy[i]
        else:
            s = sdy[i - 1] if i > 0 else 0
        labels.append("Increasing" if s == 1 else "Decreasing")

    types = []
    for i in range(n):
        side = "Above" if (rtm[i] or 0) > 0 else "Below"
        if outside[i]:
            types.append("Above UCL" if rtm[i] == 1 else "Below LCL")
        elif trend[i]:
            types.append(f"7 Point Trend ({labels[i]})")
        elif tit[i]:
            types.append(f"2 in 3 {side} CL")
        elif shift[i]:
            types.append(f"7 Points {side} CL")
        else:
            types.append("Common Cause")

    points = []
    for t in types:
        v = 1 if ("Above" in t or "Increasing" in t) else (-1 if ("Below" in t or "Decreasing" in t) else 0)
        if direction == 0:
            points.append("special_cause_neutral_high" if v > 0 else
                          "special_cause_neutral_low" if v < 0 else "common_cause")
        else:
            v *= direction
            points.append("special_cause_improvement" if v > 0 else
                          "special_cause_concern" if v < 0 else "common_cause")
    return outside, rtm, close, types, points


def ptd(ys, fix=None, screen=True, direction=1):
    """Rows (dicts) for one series in date order, one rebase group."""
    fix_y, mean, lpl, upl, nlpl, nupl = limits(ys, fix, screen)
    outside, rtm, close, types, points = classify(ys, mean, lpl, upl, nlpl, nupl, direction)
    return [
        dict(value=ys[i], fix_value=fix_y[i], mean=mean, lpl=lpl, upl=upl,
             outside_limits=outside[i], relative_to_mean=rtm[i], close_to_limits=close[i],
             special_cause_type=types[i], point_type=points[i],
             short_group_warning=len(ys) < 13)
        for i in range(len(ys))
    ]
