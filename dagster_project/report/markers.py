"""Intervention markers on SPC charts: where a QI project's change became standard work, or a
CSU adopted a change that worked elsewhere (published.spc_annotations).

A marker is drawn at the start of the period that contains its date (the first period after the
intervention, as the impact verdicts count it): a solid NHS-blue line with a small flag at the
top, its tooltip naming the project and what happened. Several markers in one period share a
line and a tooltip. A date before the chart's first period or after its last draws nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from .formatting import format_datetime, to_date
from .palette import NHS_BLUE

MARKER = NHS_BLUE  # an intervention: the NHS identity's blue
KIND_WORDS = {"change_adopted": "change adopted", "spread_adopted": "spread adopted"}


@dataclass(frozen=True)
class Marker:
    when: date
    kind: str  # change_adopted | spread_adopted
    project_id: str
    detail: str = ""  # e.g. "PDSA cycle 2", "ward W07"

    @property
    def order(self) -> tuple:
        """Markers of one period in a stable order (by date, project, kind, then detail: two
        cycles of one project adopted on one day must not swap places between runs)."""
        return self.when, self.project_id, self.kind, self.detail

    @property
    def text(self) -> str:
        words = KIND_WORDS.get(self.kind, self.kind.replace("_", " "))
        extra = f", {self.detail}" if self.detail else ""
        return f"{self.project_id}: {words}{extra}, {format_datetime(self.when)}"


def period_start(day: date, frequency: str | None) -> date:
    """The first day of the period (week from Monday, month, quarter, year) containing `day`."""
    freq = (frequency or "monthly").lower()
    if freq.startswith("week"):
        return day - timedelta(days=day.weekday())
    if freq.startswith("quarter"):
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    if freq.startswith("year") or freq.startswith("annual"):
        return date(day.year, 1, 1)
    return day.replace(day=1)


def marker_slots(periods: Sequence[object], markers: Sequence[Marker],
                 frequency: str | None) -> dict[int, list[Marker]]:
    """Point index -> the markers drawn at the start of that point's period."""
    days = [to_date(p) for p in periods]
    slots: dict[int, list[Marker]] = {}
    if not days or any(d is None for d in days):
        return slots
    last_next = days[-1]
    for m in markers:
        start = period_start(m.when, frequency)
        if start < days[0] or start > last_next:  # type: ignore[operator]
            continue
        # the first point whose period begins on or after the marker's period
        index = next((i for i, d in enumerate(days) if d >= start), None)  # type: ignore[operator]
        if index is not None:
            slots.setdefault(index, []).append(m)
    return slots


def draw_markers(slots: Mapping[int, Sequence[Marker]], x: Callable[[int], float], dx: float,
                 top: float, plot_h: float, fs: float, fmt: Callable[[float], str],
                 compact: bool) -> list[str]:
    """SVG for each slot: a vertical line at the start of the period, a flag, a tooltip."""
    out = []
    for index in sorted(slots):
        xx = x(index) - dx / 2
        group = sorted(slots[index], key=lambda m: m.order)
        tip = "Intervention – " + "; ".join(m.text for m in group)
        kinds = " ".join(sorted({m.kind for m in group}))
        flag = 4 if compact else 6
        label = "" if compact else (
            f'<text x="{fmt(xx + flag + 3)}" y="{fmt(top + flag + fs * 0.3)}" '
            f'font-size="{fs - 1}" fill="{MARKER}">'
            f'{escape(group[0].project_id + (" +" if len(group) > 1 else ""))}</text>')
        out.append(
            f'<g class="intervention {escape(kinds)}" '
            f'data-projects="{escape(" ".join(sorted({m.project_id for m in group})))}">'
            f'<title>{escape(tip)}</title>'
            f'<line x1="{fmt(xx)}" y1="{fmt(top)}" x2="{fmt(xx)}" y2="{fmt(top + plot_h)}" '
            f'stroke="{MARKER}" stroke-width="1.6"/>'
            f'<path d="M{fmt(xx)},{fmt(top)}L{fmt(xx + flag * 1.4)},{fmt(top + flag / 2)}'
            f'L{fmt(xx)},{fmt(top + flag)}Z" fill="{MARKER}"/>{label}</g>')
    return out
