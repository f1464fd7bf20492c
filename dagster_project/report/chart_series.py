"""What a chart draws, read from its points once: the values, means, limits and targets by
position, the rebase groups, which groups have trial limits, which points were withheld; and the
range a measure's statistic can take, which the drawn limits stay inside."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..spc.attribute import EVENT_CHARTS
from .formatting import is_number

# Values a measure cannot take: a chart draws its limits inside the natural range (a count, a
# rate or the days between events is never negative, a proportion lies in 0-1); the tables keep
# the exact limits. A percent charted by XmR may be a ratio that leaves 0-1 (C01), so only the
# proportion charts (p, p') bound it.
NON_NEGATIVE_UNITS = ("count", "rate", "hours")
PROPORTION_CHARTS = ("p", "pp")

Range = tuple[float | None, float | None]


def num(value: object) -> float | None:
    return float(value) if is_number(value) else None  # type: ignore[arg-type]


def is_withheld(point: Mapping[str, object]) -> bool:
    return bool(point.get("is_suppressed")) and num(point.get("value")) is None


def natural_range(unit: str | None, chart_type: str | None) -> Range:
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


@dataclass(frozen=True)
class Series:
    pts: list[Mapping[str, object]]  # by period
    values: list[float | None]
    means: list[float | None]
    lpls: list[float | None]  # inside the natural range
    upls: list[float | None]
    targets: list[float | None]
    groups: list[object]  # rebase group of each point
    trial: set  # groups with trial limits
    withheld: list[int]  # positions of withheld points

    @classmethod
    def of(cls, points: Sequence[Mapping[str, object]], bounds: Range = (None, None)
           ) -> Series:
        pts = sorted(points, key=lambda p: str(p.get("period")))
        # limits drawn inside the measure's natural range (never an LCL of -0.9 events)
        lpls = _clipped([num(p.get("lpl")) for p in pts], *bounds)
        upls = _clipped([num(p.get("upl")) for p in pts], *bounds)
        groups = [p.get("rebase_group") for p in pts]
        # trial limits: a short group (fewer than 13 points) that has limits at all
        trial = {g for p, g, lo, up in zip(pts, groups, lpls, upls)
                 if p.get("short_group_warning") and (lo is not None or up is not None)}
        return cls(pts=pts, values=[num(p.get("value")) for p in pts],
                   means=[num(p.get("mean")) for p in pts], lpls=lpls, upls=upls,
                   targets=[num(p.get("target")) for p in pts], groups=groups, trial=trial,
                   withheld=[i for i, p in enumerate(pts) if is_withheld(p)])

    @property
    def n(self) -> int:
        return len(self.pts)

    @property
    def finite(self) -> list[float]:
        """Every value, mean, limit and target there is: what the y axis must show."""
        return [v for series in (self.values, self.means, self.lpls, self.upls, self.targets)
                for v in series if v is not None]

    @property
    def all_withheld(self) -> bool:
        return bool(self.withheld) and len(self.withheld) == self.n
