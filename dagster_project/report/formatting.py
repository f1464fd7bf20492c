"""How numbers, periods and names are shown. Pure functions: the charts, pages and CSV share them.

Percent measures are stored as proportions (0.95) and shown as 95.0%; rates with one decimal;
£ with thousands separators. A missing or non-finite number is shown as an en dash.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime

MISSING = "–"
WITHHELD = "withheld"
# What a reader is told where the disclosure policy withheld a figure, by the catalogue's
# `suppression` rule; "or to protect one": secondary suppression withholds larger figures too.
WITHHELD_REASONS = {
    "small_count": "withheld: fewer than 5, or to protect one",
    "survey": "withheld: fewer than 11 responses, or to protect one",
}


def withheld_reason(suppression: str | None) -> str:
    return WITHHELD_REASONS.get((suppression or "").lower(), "withheld: small numbers")

DOMAINS: tuple[tuple[str, str], ...] = (
    ("quality", "Quality"),
    ("delivery", "Delivery"),
    ("service", "Service"),
    ("morale", "Morale"),
    ("cost", "Cost"),
)
DOMAIN_LABELS = dict(DOMAINS)
DOMAIN_ORDER = {key: i for i, (key, _) in enumerate(DOMAINS)}

UNIT_LABELS = {
    "rate": "rate",
    "percent": "%",
    "count": "count",
    "hours": "hours",
    "score": "score (0–10)",
    "gbp": "£",
}

DIRECTION_LABELS = {
    "increase": "Higher is better",
    "decrease": "Lower is better",
    "neutral": "No direction of improvement",
}


def frequency_label(frequency: str | None) -> str:
    """'month' or 'monthly' -> 'monthly'; likewise quarterly and yearly."""
    f = (frequency or "").lower()
    for stem, label in (("month", "monthly"), ("quarter", "quarterly"), ("year", "yearly"),
                        ("annual", "yearly"), ("week", "weekly")):
        if f.startswith(stem):
            return label
    return f


def as_text(value: object, default: str = "") -> str:
    """A published code or name as text; `default` for null."""
    return default if value is None else str(value)


def is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def format_value(value: object, unit: str | None, *, decimals: int | None = None) -> str:
    """A measure value as a reader sees it, e.g. 0.953 percent -> '95.3%'; a true minus sign."""
    text = _format_value(value, unit, decimals)
    return "−" + text[1:] if text.startswith("-") else text


def _format_value(value: object, unit: str | None, decimals: int | None) -> str:
    if not is_number(value):
        return MISSING
    v = float(value)  # type: ignore[arg-type]
    unit = (unit or "").lower()
    if unit in ("percent", "%", "proportion"):
        d = 1 if decimals is None else decimals
        return f"{v * 100:,.{d}f}%"
    if unit == "gbp":
        d = 0 if decimals is None else decimals
        text = f"£{abs(v):,.{d}f}"
        return f"-{text}" if v < 0 and round(abs(v), d) != 0 else text
    if unit == "score":
        d = 2 if decimals is None else decimals
        return f"{v:,.{d}f}"
    if unit == "count":
        if decimals is None:
            d = 0 if abs(v - round(v)) < 1e-9 else 1
        else:
            d = decimals
        return f"{v:,.{d}f}"
    # rate, hours and anything unknown: one decimal
    d = 1 if decimals is None else decimals
    return f"{v:,.{d}f}"


def axis_decimals(step: float, unit: str | None) -> int:
    """Decimals an axis tick needs so that every tick (a multiple of `step`) reads exactly."""
    scale = 100.0 if (unit or "").lower() in ("percent", "%", "proportion") else 1.0
    s = abs(step) * scale
    if s <= 0 or not math.isfinite(s):
        return 0
    for d in range(0, 5):
        scaled = s * 10**d
        if abs(scaled - round(scaled)) < 1e-6 * max(1.0, scaled):
            return d
    return 4


def format_axis(value: float, unit: str | None, step: float) -> str:
    d = axis_decimals(step, unit)
    if (unit or "").lower() == "gbp" and abs(value) >= 10_000 and step >= 1000:
        return f"£{value / 1000:,.0f}k" if value >= 0 else f"−£{abs(value) / 1000:,.0f}k"
    return format_value(value, unit, decimals=d)


def to_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def format_period(value: object, frequency: str | None = None) -> str:
    """A period as a reader sees it: 'Mar 2025', '2025 Q1', '2025'."""
    d = to_date(value)
    if d is None:
        return MISSING
    freq = (frequency or "monthly").lower()
    if freq.startswith("year") or freq in ("annual", "annually"):
        return f"{d.year}"
    if freq.startswith("quarter"):
        return f"{d.year} Q{(d.month - 1) // 3 + 1}"
    return d.strftime("%b %Y")


def format_period_short(value: object, frequency: str | None = None) -> str:
    """A compact axis label: 'Mar 25', 'Q1 25', '2025'."""
    d = to_date(value)
    if d is None:
        return ""
    freq = (frequency or "monthly").lower()
    if freq.startswith("year") or freq in ("annual", "annually"):
        return f"{d.year}"
    if freq.startswith("quarter"):
        return f"Q{(d.month - 1) // 3 + 1} {d.strftime('%y')}"
    return d.strftime("%b %y")


def format_datetime(value: object) -> str:
    if isinstance(value, datetime):
        return value.strftime("%d %b %Y %H:%M")
    d = to_date(value)
    return d.strftime("%d %b %Y") if d else MISSING


def format_rule(special_cause_type: object) -> str:
    """The rule that fired, in words; common cause when none did."""
    text = str(special_cause_type or "").strip()
    return text if text and text.lower() != "common cause" else "Common cause"


_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def slug(text: object) -> str:
    """A file-name-safe version of a code (codes are normally safe already)."""
    cleaned = _UNSAFE.sub("_", str(text)).strip("._")
    return cleaned or "_"
