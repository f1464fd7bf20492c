"""Where a chart's plot sits and how values map onto it: the y scale with round ticks, the
margins the tick labels need, and a point's x and a value's y."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .formatting import format_axis
from .svg import coord, text_width


def nice_step(span: float, target_ticks: int) -> float:
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / max(target_ticks, 1)
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * power + 1e-12:
            return m * power
    return 10 * power


def y_scale(values: Sequence[float], ticks: int) -> tuple[float, float, float]:
    """(lowest tick, highest tick, step) of an axis showing every value."""
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


@dataclass(frozen=True)
class Frame:
    """The plot area of a chart of `n` points, and its y axis."""

    left: float
    top: float
    plot_w: float
    plot_h: float
    n: int
    lo: float
    hi: float
    ticks: list[float]
    tick_labels: list[str]
    fs: int  # font size
    compact: bool

    @classmethod
    def fit(cls, finite: Sequence[float], n: int, *, unit: str | None, width: int,
            height: int, top: float, bottom: float, compact: bool) -> Frame:
        """The frame whose axis shows every value in `finite`, its labels fitted on the left."""
        fs = 9 if compact else 11
        lo, hi, step = y_scale(finite, 3 if compact else 5)
        ticks = []
        t = lo
        while t <= hi + step * 1e-6:
            ticks.append(round(t, 12))
            t += step
        tick_labels = [format_axis(v, unit, step) for v in ticks]
        left = 8 + max(text_width(s, fs) for s in tick_labels) + 6
        right = 10 if compact else 92
        return cls(left=left, top=top, plot_w=width - left - right, plot_h=height - top - bottom,
                   n=n, lo=lo, hi=hi, ticks=ticks, tick_labels=tick_labels, fs=fs,
                   compact=compact)

    @property
    def dx(self) -> float:
        """The width of one period."""
        return self.plot_w / self.n

    @property
    def bottom(self) -> float:
        return self.top + self.plot_h

    def x(self, i: int) -> float:
        return self.left + (i + 0.5) * self.dx

    def y(self, v: float) -> float:
        return self.top + (self.hi - v) / (self.hi - self.lo) * self.plot_h

    def step_path(self, series: Sequence[float | None], run: Sequence[int]) -> str:
        """A horizontal line per period, stepping where the series changes (a mean, a limit)."""
        x, y, dx = self.x, self.y, self.dx
        d = f"M{coord(x(run[0]) - dx / 2)},{coord(y(series[run[0]]))}"  # type: ignore[arg-type]
        for prev, j in zip(run, run[1:]):
            if series[j] != series[prev]:
                d += f"H{coord(x(j) - dx / 2)}V{coord(y(series[j]))}"  # type: ignore[arg-type]
        return d + f"H{coord(x(run[-1]) + dx / 2)}"
