"""Writing landing files, and corrupting a fraction of rows for quarantine demos.

Files follow the landing contract: `<landing>/<extract>/<extract>_<YYYYMMDD>.csv`, UTF-8, comma,
header row, ISO dates, `Y`/`N` booleans, empty cell for missing. A file is opened on its first
chunk (truncating any earlier file of that name) and appended to after, so a national run streams
each trust's rows into the shared monthly files without holding them.

After each write the file is listed, with its size and modification time, in its folder's
`.generated.json` (ingest/landing.py): the loader knows a listed, unchanged file is complete and
does not wait FILE_STABLE_SECONDS for it, so `make run` on a freshly generated trust starts at once.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import numpy as np
import polars as pl

from dagster_project.contracts import CONTRACTS, CONTRACTS_BY_NAME, Contract
from dagster_project.ingest.landing import record_generated

from .periods import day_number, stamp
from .streams import stream

log = logging.getLogger(__name__)

# Reference data is not corrupted: a broken org_structure would cascade into every extract.
NOT_CORRUPTED = ("org_structure",)
BAD_DATE = "31/02/2025"
BAD_VALUE = "unknown"
UNKNOWN_CODE = "UNK"


class LandingWriter:
    def __init__(self, landing: Path, *, seed: int, bad_rows: float = 0.0) -> None:
        self.landing = Path(landing)
        self.seed = seed
        self.bad_rows = bad_rows
        self.rows = {c.name: 0 for c in CONTRACTS}
        self.corrupted = {c.name: 0 for c in CONTRACTS}
        self.files: list[Path] = []
        self._started: set[Path] = set()
        self._warn_existing()

    def _warn_existing(self) -> None:
        stale = [p for c in CONTRACTS for p in (self.landing / c.name).glob(f"{c.name}_*")]
        if stale:
            log.warning("%s already holds %d extract files; files of the same name are "
                        "overwritten, others are left as they are", self.landing, len(stale))

    def path(self, extract: str, extract_date: dt.date) -> Path:
        return self.landing / extract / f"{extract}_{stamp(extract_date)}.csv"

    def write(self, extract: str, extract_date: dt.date, df: pl.DataFrame, chunk: int = 0
              ) -> None:
        contract = CONTRACTS_BY_NAME[extract]
        if tuple(df.columns) != contract.column_names:
            raise AssertionError(f"{extract}: columns {df.columns} are not the contract's "
                                 f"{contract.column_names}")
        if df.height == 0:
            return
        if self.bad_rows > 0 and extract not in NOT_CORRUPTED:
            rng = stream(self.seed, chunk, f"bad-rows-{extract}", day_number(extract_date))
            df, n_bad = corrupt(df, contract, self.bad_rows, rng)
            self.corrupted[extract] += n_bad
        path = self.path(extract, extract_date)
        first = path not in self._started
        if first:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._started.add(path)
            self.files.append(path)
        with open(path, "wb" if first else "ab") as fh:
            _format_dates(df).write_csv(fh, include_header=first, date_format="%Y-%m-%d",
                         datetime_format="%Y-%m-%d %H:%M:%S", float_precision=2,
                         null_value="", line_terminator="\n")
        record_generated(path)  # closed and complete: the loader need not wait for it
        self.rows[extract] += df.height


def _format_dates(df: pl.DataFrame) -> pl.DataFrame:
    """ISO-format Date columns by gathering from a table of the days they span: the same text
    polars writes for a Date, at a fraction of the cost on the multi-million-row extracts."""
    dates = [name for name, dtype in df.schema.items() if dtype == pl.Date]
    if not dates or df.height < 10_000:
        return df
    days = df.select([pl.col(c).cast(pl.Int32) for c in dates])
    lo = min(days[c].min() for c in dates if days[c].null_count() < df.height)
    hi = max(days[c].max() for c in dates if days[c].null_count() < df.height)
    if lo is None or hi - lo > 200_000:
        return df
    table = pl.Series(np.arange(lo, hi + 1, dtype=np.int32)).cast(pl.Date).dt.strftime(
        "%Y-%m-%d")
    return df.with_columns([table.gather(days[c] - lo).alias(c) for c in dates])


def _as_text(df: pl.DataFrame) -> pl.DataFrame:
    exprs = []
    for name, dtype in df.schema.items():
        if dtype == pl.Datetime:
            exprs.append(pl.col(name).dt.strftime("%Y-%m-%d %H:%M:%S"))
        elif dtype.is_float():
            exprs.append(pl.col(name).round(2).cast(pl.String))
        else:
            exprs.append(pl.col(name).cast(pl.String))
    return df.select(exprs)


def corruption_kinds(contract: Contract) -> dict[str, list[str]]:
    """The ways a row of this extract can be broken, each with the columns it may hit."""
    kinds: dict[str, list[str]] = {}
    refs = [r.column for r in contract.references]
    if refs:
        kinds["unknown_reference"] = ["csu_code"] if "csu_code" in refs else refs[:1]
    dates = [c.name for c in contract.columns if c.type in ("date", "timestamp", "month",
                                                             "quarter") and c.required]
    if dates:
        kinds["bad_date"] = dates
    negatives = [c.name for c in contract.columns
                 if c.type in ("int", "decimal") and c.min is not None and c.min >= 0]
    if negatives:
        kinds["negative_number"] = negatives
    allowed = [c.name for c in contract.columns if c.allowed and c.required]
    if allowed:
        kinds["value_not_allowed"] = allowed
    kinds["duplicate_key"] = list(contract.key)
    return kinds


def corrupt(df: pl.DataFrame, contract: Contract, rate: float, rng: np.random.Generator
            ) -> tuple[pl.DataFrame, int]:
    """Break about `rate` of the rows, each in one way that the contract forbids."""
    n = df.height
    k = int(rng.binomial(n, min(rate, 1.0)))
    if k == 0:
        return df, 0
    kinds = corruption_kinds(contract)
    if n < 2:
        kinds.pop("duplicate_key")
    names = list(kinds)
    rows = rng.choice(n, k, replace=False)
    which = rng.integers(0, len(names), k)
    out = _as_text(df)
    columns = {c: out[c].to_list() for c in out.columns}
    for row, w in zip(rows, which):
        kind = names[w]
        cols = kinds[kind]
        col = cols[int(rng.integers(0, len(cols)))]
        column = contract.column(col)
        if kind == "unknown_reference":
            columns[col][row] = UNKNOWN_CODE
        elif kind == "bad_date":
            columns[col][row] = {"month": "2025-13", "quarter": "2025-Q5"}.get(
                column.type, BAD_DATE)
        elif kind == "negative_number":
            columns[col][row] = "-3"
        elif kind == "value_not_allowed":
            columns[col][row] = BAD_VALUE
        else:  # duplicate_key: copy another row's key
            other = int(rng.integers(0, n - 1))
            other += other >= row
            for key_col in cols:
                columns[key_col][row] = columns[key_col][other]
    return pl.DataFrame({c: pl.Series(c, v, dtype=pl.String) for c, v in columns.items()}), k
