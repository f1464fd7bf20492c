"""SPC charts and sparklines drawn as SVG strings: pure, deterministic, no JavaScript.

Making Data Count conventions: the value line and common-cause points in grey, the mean solid,
process limits dashed grey, the target dashed red, special-cause points blue (improvement),
orange (concern) or purple (neutral), in the colours of palette.py. Limits are drawn per rebase group, with a
vertical marker where they are recalculated; trial limits (a group too short for reliable limits)
are dotted and labelled. Each point has a `<title>` (a native hover tooltip) with its period,
value and the rule that fired; the chart has a `<title>` and `<desc>` as its text alternative.
A point the disclosure policy withheld (`is_suppressed`, its value null) is a marked gap: a
hatched band with a hollow marker on the axis whose tooltip gives the reason, never a value.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape

from ..spc.attribute import EVENT_CHARTS
from .formatting import (
    format_axis,
    format_period,
    format_period_short,
    format_rule,
    format_value,
    is_number,
)
from .markers import MARKER, Marker, draw_markers, marker_slots

from .palette import (
    AXIS,
    BLUE,
    EMPTY,
    FAINT,
    GREY,
    GRID,
    INK,
    LINE,
    MEAN,
    ORANGE,
    PROVISIONAL,
    PURPLE,
    RED,
    TEXT,
    WHITE,
    WITHHELD_FILL,
)

PROVISIONAL_LABEL = "Provisional (not yet complete, not judged)"
FONT = "Arial, 'Liberation Sans', 'Helvetica Neue', Helvetica, sans-serif"

POINT_COLOURS = {
    "common_cause": GREY,
    "special_cause_improvement": BLUE,
    "special_cause_concern": ORANGE,
    "special_cause_neutral_high": PURPLE,
    "special_cause_neutral_low": PURPLE,
}
# why a period is provisional (marts.fct_scorecard_monthly.provisional_reason), in words
PROVISIONAL_REASONS = {
    "maturing": "still maturing: values still to close or arrive",
    "period_incomplete": "the period is not over in the data",
    "not_delivered": "no data delivered for it yet",
}
POINT_WORDS = {
    "special_cause_improvement": "improvement",
    "special_cause_concern": "concern",
    "special_cause_neutral_high": "neutral",
    "special_cause_neutral_low": "neutral",
}


def _num(value: object) -> float | None:
    return float(value) if is_number(value) else None  # type: ignore[arg-type]


def is_withheld(point: Mapping[str, object]) -> bool:
    return bool(point.get("is_suppressed")) and _num(point.get("value")) is None


def _f(v: float) -> str:
    """A coordinate with one decimal, '-0.0' avoided, so output is stable."""
    text = f"{v:.1f}"
    return "0.0" if text == "-0.0" else text


_NARROW = set("ilIjtfr.,:;'|!() ")
_WIDE = set("mwMW%£@")


def text_width(text: str, font_size: float) -> float:
    """An estimate of the width of Arial text, for laying out labels without a font engine."""
    em = 0.0
    for ch in text:
        if ch in _NARROW:
            em += 0.3
        elif ch in _WIDE or ch.isupper():
            em += 0.72 if ch in _WIDE else 0.66
        else:
            em += 0.55
    return em * font_size


def nice_step(span: float, target_ticks: int) -> float:
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / max(target_ticks, 1)
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * power + 1e-12:
            return m * power
    return 10 * power


def _y_scale(values: Sequence[float], ticks: int) -> tuple[float, float, float]:
    lo, hi = min(values), max(values)
    if hi == lo:
        pad = abs(hi) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    step = nice_step(hi - lo, ticks)
    lo_t = math.floor(lo / step + 1e-9) * step
    hi_t = math.ceil(hi / step - 1e-9) * step
    if hi_t - lo_t < step:
        hi_t = lo_t + step
    return lo_t, hi_t, step


def _group_runs(series: Sequence[float | None], groups: Sequence[object]) -> list[list[int]]:
    """Indices of consecutive non-missing values that share a rebase group."""
    runs: list[list[int]] = []
    current: list[int] = []
    for i, v in enumerate(series):
        if v is None or (current and groups[i] != groups[current[-1]]):
            if current:
                runs.append(current)
            current = [] if v is None else [i]
            continue
        current.append(i)
    if current:
        runs.append(current)
    return runs


# Values a measure cannot take: a chart draws its limits inside the natural range (a count, a
# rate or the days between events is never negative, a proportion lies in 0-1); the tables keep
# the exact limits. A percent charted by XmR may be a ratio that leaves 0-1 (C01), so only the
# proportion charts (p, p') bound it.
NON_NEGATIVE_UNITS = ("count", "rate", "hours")
PROPORTION_CHARTS = ("p", "pp")


def natural_range(unit: str | None, chart_type: str | None) -> tuple[float | None, float | None]:
    """(lowest, highest) value the chart's statistic can take; None where unbounded."""
    if chart_type in PROPORTION_CHARTS:
        return 0.0, 1.0
    if chart_type in EVENT_CHARTS or unit in NON_NEGATIVE_UNITS:
        return 0.0, None
    return None, None


def _clipped(series: list[float | None], low: float | None, high: float | None
             ) -> list[float | None]:
    low = -math.inf if low is None else low
    high = math.inf if high is None else high
    return [None if v is None else min(max(v, low), high) for v in series]


def spc_chart(
    points: Sequence[Mapping[str, object]],
    *,
    unit: str | None,
    frequency: str | None = "monthly",
    chart_id: str = "chart",
    title: str | None = None,
    subtitle: str | None = None,
    alt_title: str | None = None,
    width: int = 760,
    height: int = 300,
    compact: bool = False,
    legend: bool = False,
    extra_description: str = "",
    no_spc_reason: str | None = None,
    withheld_reason: str = "withheld",
    natural_range: tuple[float | None, float | None] = (None, None),
    markers: Sequence[Marker] = (),
) -> str:
    """An SPC (or, with `no_spc_reason`, a plain run of values) chart as an SVG string.

    `points` are rows of `published.spc_points` (period, value, mean, lpl, upl, target,
    rebase_group, short_group_warning, special_cause_type, point_type), in any order.
    `markers` are interventions (markers.py) drawn at the start of the period they fall in.
    """
    pts = sorted(points, key=lambda p: str(p.get("period")))
    n = len(pts)
    cid = escape(chart_id)
    name = alt_title or title or "SPC chart"
    fs = 9 if compact else 11
    values = [_num(p.get("value")) for p in pts]
    means = [_num(p.get("mean")) for p in pts]
    # limits drawn inside the measure's natural range (never an LCL of -0.9 events)
    lpls = _clipped([_num(p.get("lpl")) for p in pts], *natural_range)
    upls = _clipped([_num(p.get("upl")) for p in pts], *natural_range)
    targets = [_num(p.get("target")) for p in pts]
    groups = [p.get("rebase_group") for p in pts]
    # trial limits: a short group (fewer than 13 points) that has limits at all
    trial = {g for p, g, lo, up in zip(pts, groups, lpls, upls)
             if p.get("short_group_warning") and (lo is not None or up is not None)}

    withheld = [i for i, p in enumerate(pts) if is_withheld(p)]
    description = describe_chart(pts, unit=unit, frequency=frequency,
                                 no_spc_reason=no_spc_reason, withheld_reason=withheld_reason)
    if extra_description:
        description = f"{description} {extra_description}"

    title_h = (26 if title else 0) + (16 if subtitle and title else 0)
    top = title_h + (10 if not compact else 6)
    legend_h = 26 if legend else 0
    bottom = (16 if compact else 22) + legend_h
    head = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="spc-chart" id="{cid}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc" font-family="{escape(FONT)}">',
        f'<title id="{cid}-title">{escape(name)}</title>',
        f'<desc id="{cid}-desc">{escape(description)}</desc>',
        f'<rect width="{width}" height="{height}" fill="{WHITE}"/>',
    ]
    if title:
        head.append(f'<text x="8" y="19" font-size="15" font-weight="700" fill="{INK}">'
                    f'{escape(title)}</text>')
        if subtitle:
            head.append(f'<text x="8" y="36" font-size="11.5" fill="{TEXT}">'
                        f'{escape(subtitle)}</text>')

    finite = [v for series in (values, means, lpls, upls, targets) for v in series
              if v is not None]
    if n == 0 or not finite:
        empty = (f"Every value {withheld_reason}" if withheld and len(withheld) == n
                 else "No data to chart")
        head.append(f'<text x="{width / 2:.1f}" y="{(top + height - bottom) / 2:.1f}" '
                    f'text-anchor="middle" font-size="{fs + 1}" fill="{TEXT}">'
                    f'{escape(empty)}</text></svg>')
        return "".join(head)

    lo, hi, step = _y_scale(finite, 3 if compact else 5)
    ticks = []
    t = lo
    while t <= hi + step * 1e-6:
        ticks.append(round(t, 12))
        t += step
    tick_labels = [format_axis(v, unit, step) for v in ticks]
    left = 8 + max(text_width(s, fs) for s in tick_labels) + 6
    right = 10 if compact else 92
    plot_w = width - left - right
    plot_h = height - top - bottom
    dx = plot_w / n

    def x(i: int) -> float:
        return left + (i + 0.5) * dx

    def y(v: float) -> float:
        return top + (hi - v) / (hi - lo) * plot_h

    out = head
    # grid and y axis labels
    for v, label in zip(ticks, tick_labels):
        yy = _f(y(v))
        out.append(f'<line x1="{_f(left)}" y1="{yy}" x2="{_f(left + plot_w)}" y2="{yy}" '
                   f'stroke="{GRID}" stroke-width="1"/>')
        out.append(f'<text x="{_f(left - 5)}" y="{_f(y(v) + fs * 0.35)}" text-anchor="end" '
                   f'font-size="{fs}" fill="{TEXT}">{escape(label)}</text>')
    out.append(f'<line x1="{_f(left)}" y1="{_f(top + plot_h)}" x2="{_f(left + plot_w)}" '
               f'y2="{_f(top + plot_h)}" stroke="{AXIS}" stroke-width="1"/>')

    # x axis labels: at most ~8 (3 when compact), always including the latest period
    max_labels = 3 if compact else max(2, int(plot_w // 62))
    every = max(1, math.ceil(n / max_labels))
    for i in range(n):
        if (n - 1 - i) % every:
            continue
        out.append(f'<line x1="{_f(x(i))}" y1="{_f(top + plot_h)}" x2="{_f(x(i))}" '
                   f'y2="{_f(top + plot_h + 3)}" stroke="{AXIS}" stroke-width="1"/>')
        out.append(f'<text x="{_f(x(i))}" y="{_f(top + plot_h + 4 + fs)}" text-anchor="middle" '
                   f'font-size="{fs}" fill="{TEXT}">'
                   f'{escape(format_period_short(pts[i].get("period"), frequency))}</text>')

    def step_path(series: Sequence[float | None], run: Sequence[int]) -> str:
        d = f"M{_f(x(run[0]) - dx / 2)},{_f(y(series[run[0]]))}"  # type: ignore[arg-type]
        for prev, j in zip(run, run[1:]):
            if series[j] != series[prev]:
                d += f"H{_f(x(j) - dx / 2)}V{_f(y(series[j]))}"  # type: ignore[arg-type]
        return d + f"H{_f(x(run[-1]) + dx / 2)}"

    # target: one dashed red step line, independent of rebasing
    for run in _group_runs(targets, [0] * n):
        out.append(f'<path class="target" d="{step_path(targets, run)}" fill="none" '
                   f'stroke="{RED}" stroke-width="1.6" stroke-dasharray="7 4"/>')
    # process limits and mean, per rebase group; dotted for trial limits
    for series in (lpls, upls):
        for run in _group_runs(series, groups):
            is_trial = groups[run[0]] in trial
            dash = "1.5 3" if is_trial else "6 4"
            cls = "limit trial" if is_trial else "limit"
            out.append(f'<path class="{cls}" d="{step_path(series, run)}" fill="none" '
                       f'stroke="{GREY}" stroke-width="1.5" stroke-dasharray="{dash}"/>')
    for run in _group_runs(means, groups):
        out.append(f'<path class="mean" d="{step_path(means, run)}" fill="none" '
                   f'stroke="{MEAN}" stroke-width="1.3"/>')
    # trial-limit labels, one per trial group
    if not no_spc_reason:
        for g in sorted(trial, key=str):
            idx = [i for i in range(n) if groups[i] == g]
            anchor = next((upls[i] for i in idx if upls[i] is not None), None)
            ly = y(anchor) - 4 if anchor is not None else top + fs
            out.append(f'<text class="trial-label" x="{_f(x(idx[0]) - dx / 2 + 3)}" '
                       f'y="{_f(max(ly, top + fs))}" font-size="{fs - 0.5}" font-style="italic" '
                       f'fill="{LINE}">trial limits</text>')
    # rebase markers: a vertical line before the first point of each new group
    for i in range(1, n):
        if groups[i] != groups[i - 1]:
            xx = _f(x(i) - dx / 2)
            period = format_period(pts[i].get("period"), frequency)
            out.append(f'<g class="rebase"><title>Limits recalculated (rebased) from {period}'
                       f'</title><line x1="{xx}" y1="{_f(top)}" x2="{xx}" '
                       f'y2="{_f(top + plot_h)}" stroke="{MEAN}" stroke-width="1.2" '
                       f'stroke-dasharray="2 2"/><text x="{_f(x(i) - dx / 2 + 3)}" '
                       f'y="{_f(top + plot_h - 4)}" font-size="{fs - 1}" fill="{MEAN}">'
                       f'rebase</text></g>')
    # interventions (QI changes adopted, spread adopted): a blue line and flag per period
    slots = marker_slots([p.get("period") for p in pts], markers, frequency)
    out.extend(draw_markers(slots, x, dx, top, plot_h, fs, _f, compact))
    # the value line, broken at missing values
    for run in _group_runs(values, [0] * n):
        if len(run) > 1:
            line = " ".join(f"{_f(x(i))},{_f(y(values[i]))}" for i in run)  # type: ignore[arg-type]
            out.append(f'<polyline class="values" points="{line}" fill="none" stroke="{LINE}" '
                       f'stroke-width="{1.2 if compact else 1.6}" stroke-linejoin="round"/>')
    # withheld points: a marked gap - a hatched band and a hollow marker on the axis, no value
    for i in withheld:
        tip = f"{format_period(pts[i].get('period'), frequency)}: {withheld_reason}"
        side = 2.6 if compact else 3.6
        out.append(f'<g class="withheld"><title>{escape(tip)}</title>'
                   f'<rect x="{_f(x(i) - dx / 2)}" y="{_f(top)}" width="{_f(dx)}" '
                   f'height="{_f(plot_h)}" fill="{WITHHELD_FILL}"/>'
                   f'<rect x="{_f(x(i) - side)}" y="{_f(top + plot_h - 2 * side)}" '
                   f'width="{_f(2 * side)}" height="{_f(2 * side)}" fill="{WHITE}" '
                   f'stroke="{LINE}" stroke-width="1.2"/></g>')
    # points, each with its tooltip
    r_common = 2.3 if compact else 3.2
    r_special = 3.0 if compact else 4.2
    for i, p in enumerate(pts):
        v = values[i]
        if v is None:
            continue
        kind = str(p.get("point_type") or "common_cause")
        colour = POINT_COLOURS.get(kind, GREY)
        r = r_common if colour == GREY else r_special
        if p.get("is_provisional"):  # not yet complete: hollow, and judged by no rule
            out.append(f'<circle class="pt provisional" cx="{_f(x(i))}" cy="{_f(y(v))}" '
                       f'r="{r_special}" fill="{WHITE}" stroke="{PROVISIONAL}" '
                       f'stroke-width="1.6"><title>'
                       f'{escape(point_tooltip(p, unit, frequency, no_spc_reason))}</title>'
                       f'</circle>')
            continue
        out.append(f'<circle class="pt {escape(kind)}" cx="{_f(x(i))}" cy="{_f(y(v))}" r="{r}" '
                   f'fill="{colour}" stroke="transparent" stroke-width="7">'
                   f'<title>{escape(point_tooltip(p, unit, frequency, no_spc_reason))}</title>'
                   f'</circle>')
    # right-hand labels of the latest mean, limits and target
    if not compact:
        labels = []
        last = n - 1
        for text, series, colour in (("Target", targets, RED), ("UPL", upls, LINE),
                                     ("Mean", means, MEAN), ("LPL", lpls, LINE)):
            v = series[last]
            if v is None:
                continue
            shown = format_value(v, unit)
            # lines that read the same (an all-zero chart: mean, limits and target all 0)
            # share one label, "Mean = LPL 0", instead of four stacked on one line
            same = next((lab for lab in labels if lab[3] == shown), None)
            if same is not None:
                same[1] = f"{same[1].removesuffix(' ' + shown)} = {text} {shown}"
                continue
            labels.append([y(v), f"{text} {shown}", colour, shown])
        labels.sort(key=lambda item: item[0])
        gap = fs + 1  # keep labels apart, and inside the plot's height
        for k in range(1, len(labels)):
            labels[k][0] = max(labels[k][0], labels[k - 1][0] + gap)
        if labels and labels[-1][0] > top + plot_h + fs * 0.3:
            labels[-1][0] = top + plot_h + fs * 0.3
            for k in range(len(labels) - 2, -1, -1):
                labels[k][0] = min(labels[k][0], labels[k + 1][0] - gap)
        for yy, text, colour, _shown in labels:
            out.append(f'<text x="{_f(left + plot_w + 5)}" y="{_f(yy + fs * 0.35)}" '
                       f'font-size="{fs - 1}" fill="{colour}">{escape(text)}</text>')
    if legend:
        has_limits = any(v is not None for v in (*lpls, *upls)) and not no_spc_reason
        has_mean = any(v is not None for v in means) and not no_spc_reason
        out.append(_legend(pts, targets, trial, groups, left, height - 9, fs, has_limits,
                           has_mean, bool(withheld), bool(slots)))
    out.append("</svg>")
    return "".join(out)


def _legend(pts, targets, trial, groups, x0: float, y0: float, fs: int,
            has_limits: bool, has_mean: bool, has_withheld: bool = False,
            has_markers: bool = False) -> str:
    kinds = {str(p.get("point_type") or "common_cause") for p in pts}
    items: list[tuple[str, str]] = [("dot:" + GREY, "Common cause" if has_mean else "Value")]
    if "special_cause_improvement" in kinds:
        items.append(("dot:" + BLUE, "Improvement"))
    if "special_cause_concern" in kinds:
        items.append(("dot:" + ORANGE, "Concern"))
    if kinds & {"special_cause_neutral_high", "special_cause_neutral_low"}:
        items.append(("dot:" + PURPLE, "Neutral"))
    if has_mean:
        items.append(("line:" + MEAN + ":", "Mean"))
    if has_limits:
        items.append(("line:" + GREY + ":6 4", "Process limits"))
    if trial:
        items.append(("line:" + GREY + ":1.5 3", "Trial limits"))
    if any(t is not None for t in targets):
        items.append(("line:" + RED + ":7 4", "Target"))
    if len(set(map(str, groups))) > 1:
        items.append(("line:" + MEAN + ":2 2", "Rebase"))
    if has_withheld:
        items.append(("box:" + LINE, "Withheld (small numbers)"))
    if any(p.get("is_provisional") for p in pts):
        items.append(("ring:" + PROVISIONAL, PROVISIONAL_LABEL))
    if has_markers:
        items.append(("line:" + MARKER + ":", "Intervention"))
    out = ['<g class="legend">']
    xx = x0
    for sym, label in items:
        kind, colour, *rest = sym.split(":")
        if kind == "dot":
            out.append(f'<circle cx="{_f(xx + 5)}" cy="{_f(y0 - fs * 0.35)}" r="4" '
                       f'fill="{colour}"/>')
            xx += 13
        elif kind == "ring":
            out.append(f'<circle cx="{_f(xx + 5)}" cy="{_f(y0 - fs * 0.35)}" r="4" '
                       f'fill="{WHITE}" stroke="{colour}" stroke-width="1.6"/>')
            xx += 13
        elif kind == "box":
            out.append(f'<rect x="{_f(xx + 1)}" y="{_f(y0 - fs * 0.35 - 4)}" width="8" '
                       f'height="8" fill="{WHITE}" stroke="{colour}" stroke-width="1.2"/>')
            xx += 13
        else:
            dash = f' stroke-dasharray="{rest[0]}"' if rest and rest[0] else ""
            out.append(f'<line x1="{_f(xx)}" y1="{_f(y0 - fs * 0.35)}" x2="{_f(xx + 20)}" '
                       f'y2="{_f(y0 - fs * 0.35)}" stroke="{colour}" stroke-width="1.8"{dash}/>')
            xx += 25
        out.append(f'<text x="{_f(xx)}" y="{_f(y0)}" font-size="{fs - 0.5}" fill="{TEXT}">'
                   f'{escape(label)}</text>')
        xx += text_width(label, fs - 0.5) + 16
    out.append("</g>")
    return "".join(out)


def point_tooltip(p: Mapping[str, object], unit: str | None, frequency: str | None,
                  no_spc_reason: str | None = None) -> str:
    """'Mar 2025: 93.1% – Above UCL (improvement)'."""
    period = format_period(p.get("period"), frequency)
    value = format_value(p.get("value"), unit)
    if no_spc_reason:
        text = f"{period}: {value}"
    elif p.get("is_provisional"):
        reason = PROVISIONAL_REASONS.get(str(p.get("provisional_reason")), "not yet complete")
        text = f"{period}: {value} – provisional ({reason}), not judged"
    else:
        rule = format_rule(p.get("special_cause_type"))
        word = POINT_WORDS.get(str(p.get("point_type")))
        text = f"{period}: {value} – {rule}" + (f" ({word})" if word else "")
    target = _num(p.get("target"))
    if target is not None:
        text += f"; target {format_value(target, unit)}"
    return text


def describe_chart(pts: Sequence[Mapping[str, object]], *, unit: str | None,
                   frequency: str | None, no_spc_reason: str | None = None,
                   withheld_reason: str = "withheld") -> str:
    """A text alternative summarising the chart for screen readers."""
    with_value = [p for p in pts if _num(p.get("value")) is not None]
    n_withheld = sum(1 for p in pts if is_withheld(p))
    held = (f"{n_withheld} point{'s' if n_withheld != 1 else ''} {withheld_reason}."
            if n_withheld else "")
    if not with_value:
        return f"No values to chart. {held}".strip()
    first, last = pts[0], with_value[-1]
    parts = [
        f"{len(pts)} points from {format_period(first.get('period'), frequency)} to "
        f"{format_period(pts[-1].get('period'), frequency)}.",
        f"Latest value {format_value(last.get('value'), unit)} in "
        f"{format_period(last.get('period'), frequency)}.",
    ]
    if no_spc_reason:
        parts.append(no_spc_reason)
    else:
        latest = pts[-1]
        mean, lpl, upl = (_num(latest.get(k)) for k in ("mean", "lpl", "upl"))
        if mean is not None:
            parts.append(f"Mean {format_value(mean, unit)}.")
        if lpl is not None and upl is not None:
            kind = "Trial process limits" if latest.get("short_group_warning") else \
                "Process limits"
            parts.append(f"{kind} {format_value(lpl, unit)} to {format_value(upl, unit)}.")
        n_groups = len({str(p.get("rebase_group")) for p in pts})
        if n_groups > 1:
            parts.append(f"Limits rebased {n_groups - 1} time{'s' if n_groups > 2 else ''}.")
        counts: dict[str, int] = {}
        for p in pts:
            word = POINT_WORDS.get(str(p.get("point_type")))
            if word:
                counts[word] = counts.get(word, 0) + 1
        if counts:
            listed = ", ".join(f"{counts[w]} {w}" for w in ("improvement", "concern", "neutral")
                               if w in counts)
            parts.append(f"Special-cause points: {listed}.")
        else:
            parts.append("No special-cause points.")
    target = _num(pts[-1].get("target"))
    if target is not None:
        parts.append(f"Target {format_value(target, unit)}.")
    if held:
        parts.append(held)
    n_provisional = sum(1 for p in pts if p.get("is_provisional"))
    if n_provisional:
        parts.append(f"{n_provisional} provisional point{'s' if n_provisional != 1 else ''} "
                     "(not yet complete) drawn hollow and not judged by the rules.")
    return " ".join(parts)


def sparkline(points: Sequence[Mapping[str, object]], *, unit: str | None,
              frequency: str | None = "monthly", width: int = 132, height: int = 34,
              label: str | None = None) -> str:
    """A small trend line: grey values and mean, special-cause points and the latest coloured."""
    pts = sorted(points, key=lambda p: str(p.get("period")))
    values = [_num(p.get("value")) for p in pts]
    finite = [v for v in values if v is not None]
    finite += [m for m in (_num(p.get("mean")) for p in pts) if m is not None]
    name = label or "Trend"
    present = [(p, v) for p, v in zip(pts, values) if v is not None]
    if present:
        alt = (f"{name}: {len(pts)} points from "
               f"{format_period(pts[0].get('period'), frequency)} to "
               f"{format_period(pts[-1].get('period'), frequency)}, latest "
               f"{format_value(present[-1][1], unit)}")
    else:
        alt = f"{name}: no data"
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" width="{width}" '
           f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="{escape(alt)}"><title>{escape(alt)}</title>']
    if not finite:
        out.append(f'<line x1="4" y1="{height / 2}" x2="{width - 4}" y2="{height / 2}" '
                   f'stroke="{EMPTY}" stroke-dasharray="3 3"/></svg>')
        return "".join(out)
    lo, hi = min(finite), max(finite)
    if hi == lo:
        lo, hi = lo - 1, hi + 1
    n = len(pts)
    pad = 4

    def x(i: int) -> float:
        return pad + (i * (width - 2 * pad) / (n - 1) if n > 1 else (width - 2 * pad) / 2)

    def y(v: float) -> float:
        return pad + (hi - v) / (hi - lo) * (height - 2 * pad)

    groups = [p.get("rebase_group") for p in pts]
    means = [_num(p.get("mean")) for p in pts]
    for run in _group_runs(means, groups):
        y0, y1 = y(means[run[0]]), y(means[run[-1]])  # type: ignore[arg-type]
        out.append(f'<line x1="{_f(x(run[0]))}" y1="{_f(y0)}" x2="{_f(x(run[-1]))}" '
                   f'y2="{_f(y1)}" stroke="{FAINT}" stroke-width="1"/>')
    for run in _group_runs(values, [0] * n):
        if len(run) > 1:
            line = " ".join(f"{_f(x(i))},{_f(y(values[i]))}" for i in run)  # type: ignore
            out.append(f'<polyline points="{line}" fill="none" stroke="{LINE}" '
                       f'stroke-width="1.3" stroke-linejoin="round"/>')
    last_i = max(i for i, v in enumerate(values) if v is not None) if present else -1
    for i, p in enumerate(pts):
        v = values[i]
        if v is None:
            continue
        colour = POINT_COLOURS.get(str(p.get("point_type") or "common_cause"), GREY)
        if p.get("is_provisional"):
            out.append(f'<circle cx="{_f(x(i))}" cy="{_f(y(v))}" r="2.4" fill="{WHITE}" '
                       f'stroke="{PROVISIONAL}" stroke-width="1"/>')
        elif i == last_i:
            out.append(f'<circle cx="{_f(x(i))}" cy="{_f(y(v))}" r="2.8" fill="{colour}" '
                       f'stroke="{WHITE}" stroke-width="0.8"/>')
        elif colour != GREY:
            out.append(f'<circle cx="{_f(x(i))}" cy="{_f(y(v))}" r="1.8" fill="{colour}"/>')
    out.append("</svg>")
    return "".join(out)
