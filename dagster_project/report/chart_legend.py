"""A chart's legend: a symbol and a word for each kind of mark the chart actually draws."""

from __future__ import annotations

from html import escape

from .chart_layers import LIMIT_DASH, REBASE_DASH, TARGET_DASH, TRIAL_DASH
from .chart_series import Series
from .chart_text import PROVISIONAL_LABEL
from .markers import MARKER
from .palette import BLUE, GREY, LINE, MEAN, ORANGE, PROVISIONAL, PURPLE, RED, TEXT, WHITE
from .svg import coord, text_width

NEUTRAL_KINDS = {"special_cause_neutral_high", "special_cause_neutral_low"}


def legend_items(s: Series, *, spc: bool, has_markers: bool) -> list[tuple[str, str, str, str]]:
    """(symbol: dot, ring, box or line; colour; dash; label) for each mark on the chart."""
    kinds = {str(p.get("point_type") or "common_cause") for p in s.pts}
    has_mean = spc and any(v is not None for v in s.means)
    has_limits = spc and any(v is not None for v in (*s.lpls, *s.upls))
    candidates = [
        (True, "dot", GREY, "", "Common cause" if has_mean else "Value"),
        ("special_cause_improvement" in kinds, "dot", BLUE, "", "Improvement"),
        ("special_cause_concern" in kinds, "dot", ORANGE, "", "Concern"),
        (bool(kinds & NEUTRAL_KINDS), "dot", PURPLE, "", "Neutral"),
        (has_mean, "line", MEAN, "", "Mean"),
        (has_limits, "line", GREY, LIMIT_DASH, "Process limits"),
        (bool(s.trial), "line", GREY, TRIAL_DASH, "Trial limits"),
        (any(t is not None for t in s.targets), "line", RED, TARGET_DASH, "Target"),
        (len(set(map(str, s.groups))) > 1, "line", MEAN, REBASE_DASH, "Rebase"),
        (bool(s.withheld), "box", LINE, "", "Withheld (small numbers)"),
        (any(p.get("is_provisional") for p in s.pts), "ring", PROVISIONAL, "",
         PROVISIONAL_LABEL),
        (has_markers, "line", MARKER, "", "Intervention"),
    ]
    return [item for shown, *item in candidates if shown]  # type: ignore[misc]


def draw_legend(items: list[tuple[str, str, str, str]], x0: float, y0: float, fs: int) -> str:
    """The items in a row from (x0, y0), each symbol followed by its label."""
    out = ['<g class="legend">']
    xx = x0
    mid = coord(y0 - fs * 0.35)
    for symbol, colour, dash, label in items:
        if symbol == "dot":
            out.append(f'<circle cx="{coord(xx + 5)}" cy="{mid}" r="4" fill="{colour}"/>')
            xx += 13
        elif symbol == "ring":
            out.append(f'<circle cx="{coord(xx + 5)}" cy="{mid}" r="4" fill="{WHITE}" '
                       f'stroke="{colour}" stroke-width="1.6"/>')
            xx += 13
        elif symbol == "box":
            out.append(f'<rect x="{coord(xx + 1)}" y="{coord(y0 - fs * 0.35 - 4)}" width="8" '
                       f'height="8" fill="{WHITE}" stroke="{colour}" stroke-width="1.2"/>')
            xx += 13
        else:
            dashed = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(f'<line x1="{coord(xx)}" y1="{mid}" x2="{coord(xx + 20)}" y2="{mid}" '
                       f'stroke="{colour}" stroke-width="1.8"{dashed}/>')
            xx += 25
        out.append(f'<text x="{coord(xx)}" y="{coord(y0)}" font-size="{fs - 0.5}" '
                   f'fill="{TEXT}">{escape(label)}</text>')
        xx += text_width(label, fs - 0.5) + 16
    out.append("</g>")
    return "".join(out)
