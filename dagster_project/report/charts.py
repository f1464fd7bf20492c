"""SPC charts drawn as SVG strings: pure, deterministic, no JavaScript.

Making Data Count conventions: the value line and common-cause points in grey, the mean solid,
process limits dashed grey, the target dashed red, special-cause points blue (improvement),
orange (concern) or purple (neutral), in the colours of palette.py. Limits are drawn per rebase
group, with a vertical marker where they are recalculated; trial limits (a group too short for
reliable limits) are dotted and labelled. Each point has a `<title>` (a native hover tooltip)
with its period, value and the rule that fired; the chart has a `<title>` and `<desc>` as its
text alternative. A point the disclosure policy withheld (`is_suppressed`, its value null) is a
marked gap: a band with a hollow marker on the axis whose tooltip gives the reason, never a value.

A chart is composed of small pieces: its data (chart_series.py), its frame and scale
(chart_frame.py), its layers (chart_layers.py), its legend (chart_legend.py) and its words
(chart_text.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from . import chart_layers as layers
from .chart_frame import Frame
from .chart_legend import draw_legend, legend_items
from .chart_series import Range, Series
from .chart_text import describe_chart, point_tooltip
from .markers import Marker, draw_markers, marker_slots
from .palette import INK, TEXT, WHITE
from .svg import FONT, coord


@dataclass(frozen=True)
class ChartData:
    """A chart's points read once, with their tooltips and its description: what each size of
    one chart shares (a chart is drawn up to three times: its file, its measure page, its CSU
    page), so it is worked out once."""

    series: Series
    tips: list[str]  # each point's tooltip, escaped ("" where it has no value)
    description: str


def chart_data(points: Sequence[Mapping[str, object]], *, unit: str | None,
               frequency: str | None = "monthly", no_spc_reason: str | None = None,
               withheld_reason: str = "withheld", natural_range: Range = (None, None)
               ) -> ChartData:
    s = Series.of(points, natural_range)
    tips = ["" if v is None else escape(point_tooltip(p, unit, frequency, no_spc_reason))
            for p, v in zip(s.pts, s.values)]
    return ChartData(s, tips, describe_chart(s.pts, unit=unit, frequency=frequency,
                                             no_spc_reason=no_spc_reason,
                                             withheld_reason=withheld_reason))


def _head(chart_id: str, name: str, description: str, width: int, height: int,
          title: str | None, subtitle: str | None) -> list[str]:
    """The root element with its text alternative, the background, and the titles."""
    cid = escape(chart_id)
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
    return head


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
    natural_range: Range = (None, None),
    markers: Sequence[Marker] = (),
    data: ChartData | None = None,
) -> str:
    """An SPC (or, with `no_spc_reason`, a plain run of values) chart as an SVG string.

    `points` are rows of `published.spc_points` (period, value, mean, lpl, upl, target,
    rebase_group, short_group_warning, special_cause_type, point_type), in any order.
    `markers` are interventions (markers.py) drawn at the start of the period they fall in.
    `data`: the same points and options as `chart_data` made them, for a chart drawn again.
    """
    data = data or chart_data(points, unit=unit, frequency=frequency,
                              no_spc_reason=no_spc_reason, withheld_reason=withheld_reason,
                              natural_range=natural_range)
    s, description = data.series, data.description
    if extra_description:
        description = f"{description} {extra_description}"
    out = _head(chart_id, alt_title or title or "SPC chart", description, width, height, title,
                subtitle)
    top = (26 if title else 0) + (16 if subtitle and title else 0) + (6 if compact else 10)
    bottom = (16 if compact else 22) + (26 if legend else 0)
    finite = s.finite
    if s.n == 0 or not finite:
        empty = f"Every value {withheld_reason}" if s.all_withheld else "No data to chart"
        out.append(f'<text x="{width / 2:.1f}" y="{(top + height - bottom) / 2:.1f}" '
                   f'text-anchor="middle" font-size="{(9 if compact else 11) + 1}" '
                   f'fill="{TEXT}">{escape(empty)}</text></svg>')
        return "".join(out)

    f = Frame.fit(finite, s.n, unit=unit, width=width, height=height, top=top, bottom=bottom,
                  compact=compact)
    out += layers.axes(f, s, frequency)
    out += layers.target_line(f, s)
    out += layers.limits_and_mean(f, s)
    if not no_spc_reason:
        out += layers.trial_labels(f, s)
    out += layers.rebase_marks(f, s, frequency)
    # interventions (QI changes adopted, spread adopted): a blue line and flag per period
    slots = marker_slots([p.get("period") for p in s.pts], markers, frequency)
    out += draw_markers(slots, f.x, f.dx, f.top, f.plot_h, f.fs, coord, compact)
    out += layers.value_line(f, s)
    out += layers.withheld_gaps(f, s, frequency, withheld_reason)
    out += layers.points(f, s, data.tips)
    if not compact:
        out += layers.end_labels(f, s, unit)
    if legend:
        items = legend_items(s, spc=not no_spc_reason, has_markers=bool(slots))
        out.append(draw_legend(items, f.left, height - 9, f.fs))
    out.append("</svg>")
    return "".join(out)
