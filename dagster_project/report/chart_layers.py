"""The layers of an SPC chart, back to front, each a list of SVG elements: the axes, the target,
the process limits and mean with their trial and rebase marks, the value line, the withheld gaps,
the points with their tooltips, and the labels of the latest lines at the right."""

from __future__ import annotations

import math
from html import escape

from .chart_frame import Frame
from .chart_series import Series
from .formatting import format_period, format_period_short, format_value
from .palette import (
    AXIS,
    BLUE,
    GREY,
    GRID,
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
from .svg import coord, group_runs

POINT_COLOURS = {
    "common_cause": GREY,
    "special_cause_improvement": BLUE,
    "special_cause_concern": ORANGE,
    "special_cause_neutral_high": PURPLE,
    "special_cause_neutral_low": PURPLE,
}
LIMIT_DASH, TRIAL_DASH, TARGET_DASH, REBASE_DASH = "6 4", "1.5 3", "7 4", "2 2"


def axes(f: Frame, s: Series, frequency: str | None) -> list[str]:
    """Grid lines with the y labels, the x axis, and period labels: at most ~8 (3 when
    compact), always including the latest period."""
    out = []
    for v, label in zip(f.ticks, f.tick_labels):
        yy = coord(f.y(v))
        out.append(f'<line x1="{coord(f.left)}" y1="{yy}" x2="{coord(f.left + f.plot_w)}" '
                   f'y2="{yy}" stroke="{GRID}" stroke-width="1"/>')
        out.append(f'<text x="{coord(f.left - 5)}" y="{coord(f.y(v) + f.fs * 0.35)}" '
                   f'text-anchor="end" font-size="{f.fs}" fill="{TEXT}">{escape(label)}</text>')
    out.append(f'<line x1="{coord(f.left)}" y1="{coord(f.bottom)}" '
               f'x2="{coord(f.left + f.plot_w)}" y2="{coord(f.bottom)}" stroke="{AXIS}" '
               f'stroke-width="1"/>')
    max_labels = 3 if f.compact else max(2, int(f.plot_w // 62))
    every = max(1, math.ceil(f.n / max_labels))
    for i in range(f.n):
        if (f.n - 1 - i) % every:
            continue
        out.append(f'<line x1="{coord(f.x(i))}" y1="{coord(f.bottom)}" x2="{coord(f.x(i))}" '
                   f'y2="{coord(f.bottom + 3)}" stroke="{AXIS}" stroke-width="1"/>')
        out.append(f'<text x="{coord(f.x(i))}" y="{coord(f.bottom + 4 + f.fs)}" '
                   f'text-anchor="middle" font-size="{f.fs}" fill="{TEXT}">'
                   f'{escape(format_period_short(s.pts[i].get("period"), frequency))}</text>')
    return out


def target_line(f: Frame, s: Series) -> list[str]:
    """One dashed red step line, independent of rebasing."""
    return [f'<path class="target" d="{f.step_path(s.targets, run)}" fill="none" '
            f'stroke="{RED}" stroke-width="1.6" stroke-dasharray="{TARGET_DASH}"/>'
            for run in group_runs(s.targets, [0] * s.n)]


def limits_and_mean(f: Frame, s: Series) -> list[str]:
    """Process limits and mean, per rebase group; limits dotted where they are trial limits."""
    out = []
    for series in (s.lpls, s.upls):
        for run in group_runs(series, s.groups):
            is_trial = s.groups[run[0]] in s.trial
            dash = TRIAL_DASH if is_trial else LIMIT_DASH
            cls = "limit trial" if is_trial else "limit"
            out.append(f'<path class="{cls}" d="{f.step_path(series, run)}" fill="none" '
                       f'stroke="{GREY}" stroke-width="1.5" stroke-dasharray="{dash}"/>')
    for run in group_runs(s.means, s.groups):
        out.append(f'<path class="mean" d="{f.step_path(s.means, run)}" fill="none" '
                   f'stroke="{MEAN}" stroke-width="1.3"/>')
    return out


def trial_labels(f: Frame, s: Series) -> list[str]:
    """'trial limits' above the upper limit of each trial group."""
    out = []
    for g in sorted(s.trial, key=str):
        idx = [i for i in range(s.n) if s.groups[i] == g]
        anchor = next((s.upls[i] for i in idx if s.upls[i] is not None), None)
        ly = f.y(anchor) - 4 if anchor is not None else f.top + f.fs
        out.append(f'<text class="trial-label" x="{coord(f.x(idx[0]) - f.dx / 2 + 3)}" '
                   f'y="{coord(max(ly, f.top + f.fs))}" font-size="{f.fs - 0.5}" '
                   f'font-style="italic" fill="{LINE}">trial limits</text>')
    return out


def rebase_marks(f: Frame, s: Series, frequency: str | None) -> list[str]:
    """A vertical line before the first point of each new rebase group."""
    out = []
    for i in range(1, s.n):
        if s.groups[i] != s.groups[i - 1]:
            xx = coord(f.x(i) - f.dx / 2)
            period = format_period(s.pts[i].get("period"), frequency)
            out.append(f'<g class="rebase"><title>Limits recalculated (rebased) from {period}'
                       f'</title><line x1="{xx}" y1="{coord(f.top)}" x2="{xx}" '
                       f'y2="{coord(f.bottom)}" stroke="{MEAN}" stroke-width="1.2" '
                       f'stroke-dasharray="{REBASE_DASH}"/><text '
                       f'x="{coord(f.x(i) - f.dx / 2 + 3)}" y="{coord(f.bottom - 4)}" '
                       f'font-size="{f.fs - 1}" fill="{MEAN}">rebase</text></g>')
    return out


def value_line(f: Frame, s: Series) -> list[str]:
    """The values joined, the line broken at missing values."""
    out = []
    for run in group_runs(s.values, [0] * s.n):
        if len(run) > 1:
            line = " ".join(f"{coord(f.x(i))},{coord(f.y(s.values[i]))}"  # type: ignore[arg-type]
                            for i in run)
            out.append(f'<polyline class="values" points="{line}" fill="none" stroke="{LINE}" '
                       f'stroke-width="{1.2 if f.compact else 1.6}" stroke-linejoin="round"/>')
    return out


def withheld_gaps(f: Frame, s: Series, frequency: str | None, reason: str) -> list[str]:
    """A withheld point is a marked gap: a band and a hollow marker on the axis, no value."""
    out = []
    side = 2.6 if f.compact else 3.6
    for i in s.withheld:
        tip = f"{format_period(s.pts[i].get('period'), frequency)}: {reason}"
        out.append(f'<g class="withheld"><title>{escape(tip)}</title>'
                   f'<rect x="{coord(f.x(i) - f.dx / 2)}" y="{coord(f.top)}" '
                   f'width="{coord(f.dx)}" height="{coord(f.plot_h)}" fill="{WITHHELD_FILL}"/>'
                   f'<rect x="{coord(f.x(i) - side)}" y="{coord(f.bottom - 2 * side)}" '
                   f'width="{coord(2 * side)}" height="{coord(2 * side)}" fill="{WHITE}" '
                   f'stroke="{LINE}" stroke-width="1.2"/></g>')
    return out


def points(f: Frame, s: Series, tips: list[str]) -> list[str]:
    """Each point coloured by what it signals, with its tooltip; a provisional point hollow
    (not yet complete, judged by no rule)."""
    out = []
    r_common = 2.3 if f.compact else 3.2
    r_special = 3.0 if f.compact else 4.2
    for i, p in enumerate(s.pts):
        v = s.values[i]
        if v is None:
            continue
        tip = tips[i]
        cx, cy = coord(f.x(i)), coord(f.y(v))
        if p.get("is_provisional"):
            out.append(f'<circle class="pt provisional" cx="{cx}" cy="{cy}" r="{r_special}" '
                       f'fill="{WHITE}" stroke="{PROVISIONAL}" stroke-width="1.6"><title>'
                       f'{tip}</title></circle>')
            continue
        kind = str(p.get("point_type") or "common_cause")
        colour = POINT_COLOURS.get(kind, GREY)
        r = r_common if colour == GREY else r_special
        out.append(f'<circle class="pt {escape(kind)}" cx="{cx}" cy="{cy}" r="{r}" '
                   f'fill="{colour}" stroke="transparent" stroke-width="7">'
                   f'<title>{tip}</title></circle>')
    return out


def end_labels(f: Frame, s: Series, unit: str | None) -> list[str]:
    """The latest target, limits and mean at the right, kept apart and inside the plot; lines
    that read the same (an all-zero chart) share one label, "Mean = LPL 0"."""
    labels: list[list] = []  # [y, text, colour, value shown]
    last = s.n - 1
    for text, series, colour in (("Target", s.targets, RED), ("UPL", s.upls, LINE),
                                 ("Mean", s.means, MEAN), ("LPL", s.lpls, LINE)):
        v = series[last]
        if v is None:
            continue
        shown = format_value(v, unit)
        same = next((lab for lab in labels if lab[3] == shown), None)
        if same is not None:
            same[1] = f"{same[1].removesuffix(' ' + shown)} = {text} {shown}"
            continue
        labels.append([f.y(v), f"{text} {shown}", colour, shown])
    labels.sort(key=lambda item: item[0])
    gap = f.fs + 1
    for k in range(1, len(labels)):
        labels[k][0] = max(labels[k][0], labels[k - 1][0] + gap)
    if labels and labels[-1][0] > f.bottom + f.fs * 0.3:
        labels[-1][0] = f.bottom + f.fs * 0.3
        for k in range(len(labels) - 2, -1, -1):
            labels[k][0] = min(labels[k][0], labels[k + 1][0] - gap)
    return [f'<text x="{coord(f.left + f.plot_w + 5)}" y="{coord(yy + f.fs * 0.35)}" '
            f'font-size="{f.fs - 1}" fill="{colour}">{escape(text)}</text>'
            for yy, text, colour, _shown in labels]
