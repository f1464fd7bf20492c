"""The shapes a contract is declared with. Pure data: the loader, the quarantine, the docs and the
tests all read these, so a rule is written once."""

from __future__ import annotations

from dataclasses import dataclass, field

# Logical column types. `month` is YYYY-MM text, `quarter` is YYYY-Qn text: both stay text in raw
# (the contract says so) and are checked by pattern; staging turns them into dates.
TYPES = ("text", "int", "decimal", "date", "timestamp", "bool", "month", "quarter")

DUCKDB_TYPES = {
    "text": "VARCHAR",
    "int": "BIGINT",
    "decimal": "DOUBLE",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "bool": "BOOLEAN",
    "month": "VARCHAR",
    "quarter": "VARCHAR",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = True  # a value must be present (an empty cell breaks the contract)
    allowed: tuple[str, ...] | None = None  # value set (case-insensitive for text)
    allowed_prefixes: tuple[str, ...] = ()  # e.g. LOCAL_* competences
    aliases: dict[str, str] = field(default_factory=dict)  # accepted spelling -> canonical value
    min: float | None = None
    max: float | None = None
    pattern: str | None = None  # regular expression the text must match in full
    description: str = ""

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"column {self.name}: unknown type {self.type!r}")

    @property
    def duckdb_type(self) -> str:
        return DUCKDB_TYPES[self.type]


@dataclass(frozen=True)
class RowRule:
    """A cross-field rule, as a DuckDB boolean expression over the typed row that must hold.

    The expression may use the contract's columns and `_extract_date` (the date in the file name).
    A null result counts as passing, so optional columns need no special casing.
    """

    name: str
    column: str  # the column reported in quarantine
    holds: str


@dataclass(frozen=True)
class Reference:
    """Values of `column` must exist in `to_extract.to_column` (already loaded)."""

    column: str
    to_extract: str
    to_column: str


@dataclass(frozen=True)
class Contract:
    name: str
    family: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    rules: tuple[RowRule, ...] = ()
    references: tuple[Reference, ...] = ()
    # "snapshot": every delivery is a full or partial picture; staging keeps, per key, the row
    # from the newest extract date, and raw keeps every delivery (history, e.g. regrading).
    load_mode: str = "snapshot"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required_columns(self) -> tuple[str, ...]:
        # A header without one of these rejects the file; an optional column may be absent
        # (its cells are then null).
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name}")
