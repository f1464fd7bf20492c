"""Small helpers every SVG drawing of the report shares: the font, stable coordinates, a text
width estimate for laying out labels without a font engine, and runs of a series."""

from __future__ import annotations

from collections.abc import Sequence

FONT = "Arial, 'Liberation Sans', 'Helvetica Neue', Helvetica, sans-serif"

_NARROW = set("ilIjtfr.,:;'|!() ")
_WIDE = set("mwMW%£@")


def coord(v: float) -> str:
    """A coordinate with one decimal, '-0.0' avoided, so output is stable."""
    text = f"{v:.1f}"
    return "0.0" if text == "-0.0" else text


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


def group_runs(series: Sequence[float | None], groups: Sequence[object]) -> list[list[int]]:
    """Indices of consecutive non-missing values that share a group (a rebase group)."""
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
