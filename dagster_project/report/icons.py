"""Making Data Count variation and assurance icons, drawn as inline SVG by our own code.

Variation: a grey circle with a flat run of points for common cause; blue (improvement), orange
(concern) or purple (neutral) with the last points rising (H, high) or falling (L, low).
Assurance: blue P (consistently passes the target), orange F (consistently fails), grey ?
(hit and miss). Every icon carries a `<title>` and an `aria-label` as its text alternative.
"""

from __future__ import annotations

from html import escape

from .palette import BLUE, GREY, ORANGE, PLACEHOLDER_BAR, PLACEHOLDER_RING, PURPLE, RED, WHITE

# code -> (colour, letter or "", shape of the run of points, text alternative)
VARIATION: dict[str, tuple[str, str, str, str]] = {
    "common_cause": (GREY, "", "flat", "Common cause variation: no significant change"),
    "improvement_high": (BLUE, "H", "up",
                         "Special cause variation: improvement, higher values"),
    "improvement_low": (BLUE, "L", "down",
                        "Special cause variation: improvement, lower values"),
    "concern_high": (ORANGE, "H", "up", "Special cause variation: concern, higher values"),
    "concern_low": (ORANGE, "L", "down", "Special cause variation: concern, lower values"),
    "neutral_high": (PURPLE, "H", "up",
                     "Special cause variation: neither improvement nor concern, higher values"),
    "neutral_low": (PURPLE, "L", "down",
                    "Special cause variation: neither improvement nor concern, lower values"),
}

VARIATION_SHORT = {
    "common_cause": "Common cause",
    "improvement_high": "Improvement (high)",
    "improvement_low": "Improvement (low)",
    "concern_high": "Concern (high)",
    "concern_low": "Concern (low)",
    "neutral_high": "Neutral (high)",
    "neutral_low": "Neutral (low)",
}

# code -> (colour, letter, text alternative)
ASSURANCE: dict[str, tuple[str, str, str]] = {
    "consistent_pass": (BLUE, "P", "Assurance: the process will consistently pass the target"),
    "consistent_fail": (ORANGE, "F", "Assurance: the process will consistently fail the target"),
    "inconsistent": (GREY, "?",
                     "Assurance: the process will inconsistently pass and fail the target"),
}

NO_VARIATION_TEXT = "No SPC chart for this measure: variation not assessed"
NO_ASSURANCE_TEXT = "No target: assurance not assessed"

# y positions of the seven points in a 40 x 40 icon, for each run shape
_RUNS = {
    "flat": (20, 20, 20, 20, 20, 20, 20),
    "up": (24, 23.2, 24, 23.2, 20, 16.8, 13.6),
    "down": (16, 16.8, 16, 16.8, 20, 23.2, 26.4),
}
_XS = (10, 13.3, 16.7, 20, 23.3, 26.7, 30)


def _svg_open(label: str, size: int, kind: str, code: str) -> str:
    text = escape(label)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="icon icon-{kind}" '
        f'data-{kind}="{escape(code)}" width="{size}" height="{size}" viewBox="0 0 40 40" '
        f'role="img" aria-label="{text}"><title>{text}</title>'
    )


def _ring(colour: str) -> str:
    """The icon's coloured ring on a faint fill of the same colour."""
    return (f'<circle cx="20" cy="20" r="18" fill="{WHITE}" stroke="{colour}" stroke-width="2.6"/>'
            f'<circle cx="20" cy="20" r="16.7" fill="{colour}" fill-opacity="0.07"/>')


def variation_icon(code: str | None, size: int = 36) -> str:
    """The variation icon for a `variation_icon` code; a dashed empty circle when there is none."""
    if code not in VARIATION:
        return _empty_icon(NO_VARIATION_TEXT, size, "variation", code or "none")
    colour, letter, shape, label = VARIATION[code]
    ys = _RUNS[shape]
    parts = [_svg_open(label, size, "variation", code)]
    parts.append(_ring(colour))
    line = " ".join(f"{x},{y}" for x, y in zip(_XS, ys))
    parts.append(f'<polyline points="{line}" fill="none" stroke="{GREY}" stroke-width="1.2"/>')
    for i, (x, y) in enumerate(zip(_XS, ys)):
        fill = colour if (shape != "flat" and i >= 4) else GREY
        parts.append(f'<circle cx="{x}" cy="{y}" r="2" fill="{fill}"/>')
    if letter:
        # H sits in the empty upper-left space above a rising run; L in the lower-left space.
        ly = 16 if shape == "up" else 31.5
        parts.append(f'<text x="14" y="{ly}" text-anchor="middle" font-family="Arial, sans-serif"'
                     f' font-size="10" font-weight="700" fill="{colour}">{letter}</text>')
    parts.append("</svg>")
    return "".join(parts)


def assurance_icon(code: str | None, size: int = 36) -> str:
    """The assurance icon for an `assurance_icon` code; a dashed empty circle when null."""
    if code not in ASSURANCE:
        return _empty_icon(NO_ASSURANCE_TEXT, size, "assurance", code or "none")
    colour, letter, label = ASSURANCE[code]
    parts = [_svg_open(label, size, "assurance", code)]
    parts.append(_ring(colour))
    # the target line the letter is judged against
    parts.append(f'<line x1="8" y1="29.5" x2="32" y2="29.5" stroke="{RED}" stroke-width="1.4" '
                 f'stroke-dasharray="2.5 1.8"/>')
    parts.append(f'<text x="20" y="25" text-anchor="middle" font-family="Arial, sans-serif" '
                 f'font-size="17" font-weight="700" fill="{colour}">{escape(letter)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _empty_icon(label: str, size: int, kind: str, code: str) -> str:
    return (
        _svg_open(label, size, kind, code)
        + f'<circle cx="20" cy="20" r="17" fill="none" stroke="{PLACEHOLDER_RING}" '
        f'stroke-width="1.6" stroke-dasharray="3 3"/><line x1="14" y1="20" x2="26" y2="20" '
        f'stroke="{PLACEHOLDER_BAR}" stroke-width="1.6"/></svg>'
    )
