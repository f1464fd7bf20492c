"""A chart in words: each point's tooltip and the chart's text alternative for screen readers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .chart_series import is_withheld, num
from .formatting import format_period, format_rule, format_value

PROVISIONAL_LABEL = "Provisional (not yet complete, not judged)"
# why a period is provisional (marts.fct_scorecard_monthly.provisional_reason), in words
PROVISIONAL_REASONS = {
    "maturing": "still maturing: values still to close or arrive",
    "period_incomplete": "the period is not over in the data",
    "not_delivered": "no data delivered for it yet",
}
POINT_WORDS = {
    "special_cause_improvement": "improvement",
    "special_cause_concern": "concern",
    "special_cause_neutral_high": "neutral",
    "special_cause_neutral_low": "neutral",
}


def point_tooltip(p: Mapping[str, object], unit: str | None, frequency: str | None,
                  no_spc_reason: str | None = None) -> str:
    """'Mar 2025: 93.1% – Above UCL (improvement)'."""
    period = format_period(p.get("period"), frequency)
    value = format_value(p.get("value"), unit)
    if no_spc_reason:
        text = f"{period}: {value}"
    elif p.get("is_provisional"):
        reason = PROVISIONAL_REASONS.get(str(p.get("provisional_reason")), "not yet complete")
        text = f"{period}: {value} – provisional ({reason}), not judged"
    else:
        rule = format_rule(p.get("special_cause_type"))
        word = POINT_WORDS.get(str(p.get("point_type")))
        text = f"{period}: {value} – {rule}" + (f" ({word})" if word else "")
    target = num(p.get("target"))
    if target is not None:
        text += f"; target {format_value(target, unit)}"
    return text


def describe_chart(pts: Sequence[Mapping[str, object]], *, unit: str | None,
                   frequency: str | None, no_spc_reason: str | None = None,
                   withheld_reason: str = "withheld") -> str:
    """A text alternative summarising the chart for screen readers."""
    with_value = [p for p in pts if num(p.get("value")) is not None]
    n_withheld = sum(1 for p in pts if is_withheld(p))
    held = (f"{n_withheld} point{'s' if n_withheld != 1 else ''} {withheld_reason}."
            if n_withheld else "")
    if not with_value:
        return f"No values to chart. {held}".strip()
    first, last = pts[0], with_value[-1]
    parts = [
        f"{len(pts)} points from {format_period(first.get('period'), frequency)} to "
        f"{format_period(pts[-1].get('period'), frequency)}.",
        f"Latest value {format_value(last.get('value'), unit)} in "
        f"{format_period(last.get('period'), frequency)}.",
    ]
    if no_spc_reason:
        parts.append(no_spc_reason)
    else:
        latest = pts[-1]
        mean, lpl, upl = (num(latest.get(k)) for k in ("mean", "lpl", "upl"))
        if mean is not None:
            parts.append(f"Mean {format_value(mean, unit)}.")
        if lpl is not None and upl is not None:
            kind = "Trial process limits" if latest.get("short_group_warning") else \
                "Process limits"
            parts.append(f"{kind} {format_value(lpl, unit)} to {format_value(upl, unit)}.")
        n_groups = len({str(p.get("rebase_group")) for p in pts})
        if n_groups > 1:
            parts.append(f"Limits rebased {n_groups - 1} time{'s' if n_groups > 2 else ''}.")
        counts: dict[str, int] = {}
        for p in pts:
            word = POINT_WORDS.get(str(p.get("point_type")))
            if word:
                counts[word] = counts.get(word, 0) + 1
        if counts:
            listed = ", ".join(f"{counts[w]} {w}" for w in ("improvement", "concern", "neutral")
                               if w in counts)
            parts.append(f"Special-cause points: {listed}.")
        else:
            parts.append("No special-cause points.")
    target = num(pts[-1].get("target"))
    if target is not None:
        parts.append(f"Target {format_value(target, unit)}.")
    if held:
        parts.append(held)
    n_provisional = sum(1 for p in pts if p.get("is_provisional"))
    if n_provisional:
        parts.append(f"{n_provisional} provisional point{'s' if n_provisional != 1 else ''} "
                     "(not yet complete) drawn hollow and not judged by the rules.")
    return " ".join(parts)
