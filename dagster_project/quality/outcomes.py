"""What a suite run found: one outcome per expectation, and the suite's result."""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import asdict, dataclass, field
from typing import Any

from .context import PARTIAL_UNEXPECTED_COUNT


@dataclass
class ExpectationOutcome:
    name: str
    expectation_type: str
    column: str | None
    severity: str
    success: bool
    observed_value: str | None = None
    unexpected_count: int | None = None
    unexpected_percent: float | None = None
    element_count: int | None = None
    partial_unexpected: list = field(default_factory=list)
    error: str | None = None
    notes: str | None = None

    @property
    def blocking_failure(self) -> bool:
        return not self.success and self.severity == "ERROR"


@dataclass
class SuiteResult:
    suite_name: str
    asset_key: str  # "raw/incidents"
    table: str
    rows_checked: int | None
    outcomes: list[ExpectationOutcome]
    seconds: float = 0.0
    # set when the suite was not run again: the run whose passing result still holds, because
    # nothing the suite reads changed since (fingerprint.py)
    carried_from_run: str | None = None
    # a partitioned mart suite (partitions.py): partition value -> the run that validated it
    # clean, for the partitions not validated again; and the partitions validated in this run
    partitions_carried: dict[str, str] = field(default_factory=dict)
    partitions_validated: list = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(o.success for o in self.outcomes)

    @property
    def failed(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success]

    @property
    def blocking_failed(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if o.blocking_failure]

    @property
    def severity(self) -> str:
        """ERROR if any ERROR expectation failed, else WARN (meaningful only when not passed)."""
        return "ERROR" if self.blocking_failed else "WARN"

    def to_dict(self) -> dict:
        return asdict(self)


def short(value: Any, limit: int = 300) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    text = value if isinstance(value, str) else json.dumps(plain(value), default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plain(value: Any) -> Any:
    """numpy/pandas scalars and tuples -> JSON-friendly Python values."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            value = value.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def exception_message(info: Any) -> str | None:
    """The message of an exception GX caught while validating, if it caught one."""
    if not info:
        return None
    if isinstance(info, dict):
        if info.get("raised_exception"):
            return info.get("exception_message") or "expectation raised an exception"
        for sub in info.values():
            msg = exception_message(sub) if isinstance(sub, dict) else None
            if msg:
                return msg
        return None
    if getattr(info, "raised_exception", False):
        return getattr(info, "exception_message", None) or "expectation raised an exception"
    return None


def _column(exp: dict) -> str | None:
    kw = exp.get("kwargs", {})
    return kw.get("column") or (",".join(kw["column_list"]) if kw.get("column_list") else None)


def gx_outcome(name: str, exp: dict, severity: str, gx_result) -> ExpectationOutcome:
    """The outcome of one expectation from GX's result for it."""
    res = gx_result.result or {}
    error = exception_message(gx_result.exception_info)
    unexpected = res.get("unexpected_count")
    observed = res.get("observed_value")
    if observed is None and unexpected is not None:
        observed = (f"{unexpected} of {res.get('element_count')} unexpected"
                    f" ({res.get('unexpected_percent') or 0:.2f}% of non-null)")
    return ExpectationOutcome(
        name=name,
        expectation_type=exp["type"],
        column=_column(exp),
        severity=severity,
        success=bool(gx_result.success) and error is None,
        observed_value=short(error and f"error: {error}" or observed),
        unexpected_count=None if unexpected is None else int(unexpected),
        unexpected_percent=res.get("unexpected_percent"),
        element_count=res.get("element_count"),
        partial_unexpected=plain(res.get("partial_unexpected_counts")
                                 or res.get("partial_unexpected_list") or [])[
                                     :PARTIAL_UNEXPECTED_COUNT],
        error=error,
        notes=exp.get("meta", {}).get("notes"),
    )


def failed_outcome(name: str, exp: dict, severity: str, reason: str) -> ExpectationOutcome:
    """A failure GX never judged: a missing table, parameter or batch, an unrunnable batch."""
    return ExpectationOutcome(name=name, expectation_type=exp["type"],
                              column=exp.get("kwargs", {}).get("column"),
                              severity=severity, success=False, observed_value=short(reason),
                              error=reason, notes=exp.get("meta", {}).get("notes"))
