"""The board summary's sparkline: a small trend of values and mean, special-cause points and the
latest point coloured."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from .chart_layers import POINT_COLOURS
from .chart_series import Series
from .formatting import format_period, format_value
from .palette import EMPTY, FAINT, GREY, LINE, PROVISIONAL, WHITE
from .svg import coord, group_runs

PAD = 4


def _alt(s: Series, name: str, unit: str | None, frequency: str | None) -> str:
    present = [v for v in s.values if v is not None]
    if not present:
        return f"{name}: no data"
    return (f"{name}: {s.n} points from {format_period(s.pts[0].get('period'), frequency)} to "
            f"{format_period(s.pts[-1].get('period'), frequency)}, latest "
            f"{format_value(present[-1], unit)}")


def sparkline(points: Sequence[Mapping[str, object]], *, unit: str | None,
              frequency: str | None = "monthly", width: int = 132, height: int = 34,
              label: str | None = None) -> str:
    """A small trend line: grey values and mean, special-cause points and the latest coloured."""
    s = Series.of(points)
    alt = escape(_alt(s, label or "Trend", unit, frequency))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" width="{width}" '
           f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="{alt}"><title>{alt}</title>']
    finite = [v for v in (*s.values, *s.means) if v is not None]
    if not finite:
        out.append(f'<line x1="4" y1="{height / 2}" x2="{width - 4}" y2="{height / 2}" '
                   f'stroke="{EMPTY}" stroke-dasharray="3 3"/></svg>')
        return "".join(out)
    lo, hi = min(finite), max(finite)
    if hi == lo:
        lo, hi = lo - 1, hi + 1
    n = s.n

    def x(i: int) -> float:
        return PAD + (i * (width - 2 * PAD) / (n - 1) if n > 1 else (width - 2 * PAD) / 2)

    def y(v: float) -> float:
        return PAD + (hi - v) / (hi - lo) * (height - 2 * PAD)

    for run in group_runs(s.means, s.groups):
        y0, y1 = y(s.means[run[0]]), y(s.means[run[-1]])  # type: ignore[arg-type]
        out.append(f'<line x1="{coord(x(run[0]))}" y1="{coord(y0)}" x2="{coord(x(run[-1]))}" '
                   f'y2="{coord(y1)}" stroke="{FAINT}" stroke-width="1"/>')
    for run in group_runs(s.values, [0] * n):
        if len(run) > 1:
            line = " ".join(f"{coord(x(i))},{coord(y(s.values[i]))}"  # type: ignore[arg-type]
                            for i in run)
            out.append(f'<polyline points="{line}" fill="none" stroke="{LINE}" '
                       f'stroke-width="1.3" stroke-linejoin="round"/>')
    last_i = max((i for i, v in enumerate(s.values) if v is not None), default=-1)
    for i, p in enumerate(s.pts):
        v = s.values[i]
        if v is None:
            continue
        colour = POINT_COLOURS.get(str(p.get("point_type") or "common_cause"), GREY)
        at = f'cx="{coord(x(i))}" cy="{coord(y(v))}"'
        if p.get("is_provisional"):
            out.append(f'<circle {at} r="2.4" fill="{WHITE}" stroke="{PROVISIONAL}" '
                       f'stroke-width="1"/>')
        elif i == last_i:
            out.append(f'<circle {at} r="2.8" fill="{colour}" stroke="{WHITE}" '
                       f'stroke-width="0.8"/>')
        elif colour != GREY:
            out.append(f'<circle {at} r="1.8" fill="{colour}"/>')
    out.append("</svg>")
    return "".join(out)
