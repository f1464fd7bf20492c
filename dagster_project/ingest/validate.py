"""Set-based validation of a staged file against its contract, in DuckDB.

Driven entirely by the contract (no per-extract code). A few SQL statements per file, whatever
its size (never a Python loop over rows):

1. `typed`: ONE scan of the staged text that trims every value (spaces, tabs, CR/LF), treats an
   empty cell as null and parses it into the column's type (`try_cast`/`try_strptime`, gated by
   regular expressions so that DuckDB's lenient casts cannot slip a bad value through: it would
   round `1.5` to 2 and accept `inf`), maps allowed values to the contract's spelling
   (case-insensitive, aliases such as `death` -> `fatal`, `allowed_prefixes` such as `LOCAL_`),
   and evaluates every (column, rule) check and row rule: each row keeps `_flags`, the ids of
   the checks it fails.
2. `failures`: the flagged rows unnested, UNION ALL the references (anti-joins to
   `raw.<to_extract>`) and the duplicate keys (an aggregate, then a semi-join); only when
   something failed are the failing rows joined back to the staged text for their values.

Each failing (row, column, rule) is one failure record, with the offending value as it was in the
file (untrimmed); a row with any failure is quarantined as a whole and never reaches the clean
table. Rule names are stable snake_case strings:

  required             a required column is empty (value: the cell, null or blanks)
  invalid_int          not a whole number (`1.5`, `1,000`, `ten`); `3.0` is accepted as 3
  invalid_decimal      not a plain decimal number (`£3`, `1,5`, `inf`, `NaN`)
  invalid_date         not `YYYY-MM-DD` or `DD/MM/YYYY`, or not a real day (`31/02/2025`)
  invalid_timestamp    not ISO `YYYY-MM-DD[ T]HH:MM[:SS[.f]][Z]` or `DD/MM/YYYY[ HH:MM[:SS]]`
  invalid_bool         not Y/N, yes/no, true/false, t/f, 1/0 (case-insensitive)
  not_allowed          text outside the column's allowed values / prefixes
  pattern_mismatch     text that does not match the column's pattern in full
  below_min            a number below the column's min
  above_max            a number above the column's max (a number too large for BIGINT counts
                       as above_max even where the contract declares no max)
  formula_like_text    a text value starting with `=`, `+`, `-` or `@` (after blanks): a CSV/
                       spreadsheet formula-injection risk (only text columns: numbers may be
                       negative)
  reference_not_found  a value absent from `raw.<to_extract>.<to_column>` (any loaded date)
  duplicate_key        the key is shared by several rows of the file: all of them are quarantined
                       (column: the key columns joined with `,`; value: the key values joined
                       with `|`)
  <RowRule.name>       a cross-field rule of the contract that does not hold, e.g.
                       `total_is_sum_of_answers`, `incident_date_not_after_extract_date`
                       (column: RowRule.column; value: that column's cell)

A row rule is judged only when every column it mentions passed its own cell checks (and a null
result passes, so optional columns need no special casing): one bad cell, say a count of -3, is
reported once and not again as a total that does not add up.

Dates and timestamps in DD/MM/YYYY are normalised to ISO; text is stored trimmed; the offending
value in quarantine is the cell exactly as it was in the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import duckdb

from ..contracts import Column, Contract
from .reader import STAGE_TABLE, quote_ident, sql_string

TYPED_TABLE = "_ingest_typed"
FAIL_TABLE = "_ingest_failures"

INT_RE = r"[+-]?\d+(\.0*)?"
DEC_RE = r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?"
ISO_DATE_RE = r"\d{4}-\d{2}-\d{2}([ T]00:00(:00(\.0+)?)?)?"
UK_DATE_RE = r"\d{1,2}/\d{1,2}/\d{4}"
ISO_TS_RE = r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?Z?"
UK_TS_RE = r"\d{1,2}/\d{1,2}/\d{4}( \d{1,2}:\d{2}(:\d{2})?)?"
TRUE_WORDS = ("y", "yes", "true", "t", "1")
FALSE_WORDS = ("n", "no", "false", "f", "0")
FORMULA_RE = r"^[=+\-@]"  # on the trimmed text
TEXT_TYPES = ("text", "month", "quarter")
BIGINT_MAX = 9.2e18  # a little under 2**63: the implicit bound of an int column
DOUBLE_MAX = 1.7e308  # the implicit bound of a decimal column (so inf is above_max)

RULES = (
    "required", "invalid_int", "invalid_decimal", "invalid_date", "invalid_timestamp",
    "invalid_bool", "not_allowed", "pattern_mismatch", "below_min", "above_max",
    "formula_like_text", "reference_not_found", "duplicate_key",
)


class ReferenceNotLoaded(RuntimeError):
    """A referenced raw table does not exist yet: a load-order problem, not a data problem."""


@dataclass(frozen=True)
class ValidationResult:
    rows_in: int
    rows_quarantined: int
    failures: int  # records (one per failing row, column, rule)

    @property
    def rows_clean(self) -> int:
        return self.rows_in - self.rows_quarantined


def _txt(name: str) -> str:
    return quote_ident(f"__t__{name}")


def _num(name: str) -> str:
    return quote_ident(f"__n__{name}")


def _in_list(values: tuple[str, ...]) -> str:
    return ", ".join(sql_string(v) for v in values)


def _regex(value: str, pattern: str) -> str:
    return f"regexp_full_match({value}, {sql_string(pattern)})"


def typed_expression(col: Column) -> str:
    """The SQL that turns the trimmed text of `col` into its typed (or canonical) value."""
    t = _txt(col.name)
    if col.type == "int":
        return (f"CASE WHEN {_regex(t, INT_RE)} "
                f"THEN try_cast(regexp_replace({t}, '\\.0*$', '') AS BIGINT) END")
    if col.type == "decimal":
        return f"CASE WHEN {_regex(t, DEC_RE)} THEN try_cast({t} AS DOUBLE) END"
    if col.type == "date":
        return (f"CASE WHEN {_regex(t, ISO_DATE_RE)} THEN try_cast(left({t}, 10) AS DATE) "
                f"WHEN {_regex(t, UK_DATE_RE)} "
                f"THEN CAST(try_strptime({t}, '%d/%m/%Y') AS DATE) END")
    if col.type == "timestamp":
        return (f"CASE WHEN {_regex(t, ISO_TS_RE)} "
                f"THEN try_cast(replace(rtrim({t}, 'Z'), 'T', ' ') AS TIMESTAMP) "
                f"WHEN {_regex(t, UK_TS_RE)} THEN try_strptime({t}, "
                f"['%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M', '%d/%m/%Y']) END")
    if col.type == "bool":
        return (f"CASE WHEN lower({t}) IN ({_in_list(TRUE_WORDS)}) THEN true "
                f"WHEN lower({t}) IN ({_in_list(FALSE_WORDS)}) THEN false END")
    # text, month, quarter
    if col.allowed is None and not col.aliases and not col.allowed_prefixes:
        return t
    whens = []
    for alias, canonical in col.aliases.items():
        whens.append(f"WHEN {sql_string(alias.lower())} THEN {sql_string(canonical)}")
    for value in col.allowed or ():
        if value.lower() not in {a.lower() for a in col.aliases}:
            whens.append(f"WHEN {sql_string(value.lower())} THEN {sql_string(value)}")
    otherwise = "NULL"
    for prefix in reversed(col.allowed_prefixes):
        otherwise = (f"CASE WHEN starts_with(lower({t}), {sql_string(prefix.lower())}) "
                     f"AND length({t}) > {len(prefix)} "
                     f"THEN {sql_string(prefix)} || substr({t}, {len(prefix) + 1}) "
                     f"ELSE {otherwise} END")
    if not whens:
        return otherwise
    return f"CASE lower({t}) {' '.join(whens)} ELSE {otherwise} END"


def _numeric_expression(col: Column) -> str:
    t = _txt(col.name)
    pattern = INT_RE if col.type == "int" else DEC_RE
    return f"CASE WHEN {_regex(t, pattern)} THEN try_cast({t} AS DOUBLE) END"


def trimmed_sql(column: str) -> str:
    """The cell with blanks (space, tab, CR, LF) trimmed, empty -> null. Only a value that starts
    or ends with a blank is trimmed: most do not, and trim() with a character list is about four
    times slower than this test."""
    q = quote_ident(column)
    return (f"CASE WHEN ascii({q}) > 32 AND ascii({q}[-1]) > 32 THEN {q} "
            f"ELSE NULLIF(trim({q}, ' ' || chr(9) || chr(13) || chr(10)), '') END")


def typed_sql(contract: Contract, extract_date: date, stage: str, typed: str) -> str:
    """ONE scan of the staged text: trim, parse and check every cell, and keep the typed values
    with `_flags`, the comma-separated ids of the row checks the row fails ('' if none)."""
    trims = [f"{trimmed_sql(c.name)} AS {_txt(c.name)}" for c in contract.columns]
    parsed = [f"{typed_expression(c)} AS {quote_ident(c.name)}" for c in contract.columns]
    parsed += [f"{_numeric_expression(c)} AS {_num(c.name)}"
               for c in contract.columns if c.type in ("int", "decimal")]
    parsed += [_txt(c.name) for c in contract.columns]
    checks = row_checks(contract)
    flags = ", ".join(f"CASE WHEN {cond} THEN '{i}' END" for i, (_, _, cond) in enumerate(checks))
    outs = ", ".join(quote_ident(c.name) for c in contract.columns)
    return (f"CREATE OR REPLACE TEMP TABLE {typed} AS "
            f"SELECT _row_number, _extract_date, {outs}, concat_ws(',', {flags}) AS _flags "
            f"FROM (SELECT _row_number, "
            f"DATE {sql_string(extract_date.isoformat())} AS _extract_date, {', '.join(parsed)} "
            f"FROM (SELECT _row_number, {', '.join(trims)} FROM {stage}))")


Check = tuple[str, str, str]  # (column reported, rule, SQL condition over `typed` that fails)


def column_checks(col: Column) -> list[Check]:
    """The cell checks of one column, as (column, rule, failing condition)."""
    q, t = quote_ident(col.name), _txt(col.name)
    out: list[Check] = []
    if col.required:
        out.append((col.name, "required", f"{t} IS NULL"))
    if col.type == "int":
        out.append((col.name, "invalid_int", f"{t} IS NOT NULL AND NOT {_regex(t, INT_RE)}"))
    elif col.type in ("decimal", "date", "timestamp", "bool"):
        out.append((col.name, f"invalid_{col.type}", f"{t} IS NOT NULL AND {q} IS NULL"))
    elif col.allowed is not None or col.allowed_prefixes or col.aliases:
        out.append((col.name, "not_allowed", f"{t} IS NOT NULL AND {q} IS NULL"))
    if col.pattern is not None:
        out.append((col.name, "pattern_mismatch",
                    f"{t} IS NOT NULL AND NOT {_regex(t, col.pattern)}"))
    if col.min is not None or col.max is not None:
        if col.type not in ("int", "decimal"):
            raise NotImplementedError(f"{col.name}: min/max only supported on int/decimal")
    if col.type in ("int", "decimal"):
        n = _num(col.name)
        implicit = BIGINT_MAX if col.type == "int" else DOUBLE_MAX
        lo = col.min if col.min is not None else -implicit
        hi = col.max if col.max is not None else implicit
        out.append((col.name, "below_min", f"{n} < {lo!r}"))
        out.append((col.name, "above_max", f"{n} > {hi!r}"))
    if col.type in TEXT_TYPES:
        out.append((col.name, "formula_like_text",
                    f"regexp_matches({t}, {sql_string(FORMULA_RE)})"))
    return out


def row_checks(contract: Contract) -> list[Check]:
    """Every cell check and row rule of the contract (references and keys are separate).

    A row rule is only judged when every column it mentions passed its own cell checks, so one
    bad cell (say a count of -3) is reported once, not again as a sum that does not add up.
    """
    cells = {col.name: column_checks(col) for col in contract.columns}
    checks = [c for col in contract.columns for c in cells[col.name]]
    for rule in contract.rules:
        used = [n for n in contract.column_names if re.search(rf"\b{re.escape(n)}\b", rule.holds)]
        guards = [f"NOT coalesce({cond}, false)" for n in used for _, _, cond in cells[n]]
        checks.append((rule.column, rule.name, " AND ".join([f"NOT ({rule.holds})", *guards])))
    return checks


def _checks_branch(checks: list[Check], typed: str) -> str:
    """The failing rows' check ids (stored by the typed scan), unnested and named."""
    names = ", ".join(f"({i}, {sql_string(col)}, {sql_string(rule)})"
                      for i, (col, rule, _) in enumerate(checks))
    return (f"SELECT c._row_number, m.column_name, m.rule, NULL::VARCHAR AS value FROM ("
            f"SELECT _row_number, unnest(string_split(_flags, ',')) AS _id FROM {typed} "
            f"WHERE _flags <> '') c "
            f"JOIN (VALUES {names}) m(id, column_name, rule) ON m.id = CAST(c._id AS INTEGER)")


def check_references_loaded(con: duckdb.DuckDBPyConnection, contract: Contract) -> None:
    """Raise ReferenceNotLoaded if a table the contract references does not exist yet."""
    existing = {r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'raw'").fetchall()}
    for ref in contract.references:
        if ref.to_extract not in existing:
            raise ReferenceNotLoaded(
                f"{contract.name}.{ref.column} references raw.{ref.to_extract}, which has not "
                f"been loaded yet: materialise raw/{ref.to_extract} first")


def failures_sql(contract: Contract, typed: str) -> str:
    """The row checks (one scan), the references (anti-joins) and the key window, UNION ALL."""
    branches = [_checks_branch(row_checks(contract), typed)]
    for ref in contract.references:
        q = quote_ident(ref.column)
        target = f"raw.{quote_ident(ref.to_extract)}"
        branches.append(
            f"SELECT _row_number, {sql_string(ref.column)} AS column_name, "
            f"'reference_not_found' AS rule, NULL::VARCHAR AS value FROM {typed} v "
            f"WHERE v.{q} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {target} r "
            f"WHERE r.{quote_ident(ref.to_column)} = v.{q})")
    keys = [quote_ident(k) for k in contract.key]
    key_list = ", ".join(keys)
    value = " || '|' || ".join(f"CAST(v.{k} AS VARCHAR)" for k in keys)
    # the shared keys by aggregation (cheaper than a window over every row), then their rows
    branches.append(
        f"SELECT v._row_number, {sql_string(','.join(contract.key))} AS column_name, "
        f"'duplicate_key' AS rule, {value} AS value FROM {typed} v SEMI JOIN ("
        f"SELECT {key_list} FROM {typed} WHERE {' AND '.join(f'{k} IS NOT NULL' for k in keys)} "
        f"GROUP BY {key_list} HAVING count(*) > 1) d ON "
        + " AND ".join(f"v.{k} = d.{k}" for k in keys))
    return "\nUNION ALL\n".join(branches)


def failure_values_sql(contract: Contract, stage: str, unvalued: str, failures: str) -> str:
    """The failures with their values: the cell as it was in the file (from the stage), or the
    joined key values for duplicate_key. Run only when something failed: for a CSV the stage is
    a view, so this parses the file a second time."""
    cell = " ".join(f"WHEN {sql_string(c.name)} THEN s.{quote_ident(c.name)}"
                    for c in contract.columns)
    return (f"CREATE OR REPLACE TEMP TABLE {failures} AS "
            f"SELECT f._row_number, f.column_name, f.rule, "
            f"coalesce(f.value, CASE f.column_name {cell} END) AS value "
            f"FROM {unvalued} f JOIN (SELECT * FROM {stage} WHERE _row_number IN "
            f"(SELECT _row_number FROM {unvalued})) s ON s._row_number = f._row_number")


def validate(con: duckdb.DuckDBPyConnection, contract: Contract, extract_date: date, *,
             stage: str = STAGE_TABLE, typed: str = TYPED_TABLE,
             failures: str = FAIL_TABLE) -> ValidationResult:
    """Build temp tables `typed` and `failures` (_row_number, column_name, rule, value)."""
    unvalued = f"{failures}_unvalued"
    con.execute(typed_sql(contract, extract_date, stage, typed))
    con.execute(f"CREATE OR REPLACE TEMP TABLE {unvalued} AS {failures_sql(contract, typed)}")
    n_fail, n_rows = con.execute(
        f"SELECT count(*), count(DISTINCT _row_number) FROM {unvalued}").fetchall()[0]
    con.execute(failure_values_sql(contract, stage, unvalued, failures) if n_fail else
                f"CREATE OR REPLACE TEMP TABLE {failures} AS SELECT * FROM {unvalued}")
    con.execute(f"DROP TABLE {unvalued}")
    rows_in = con.execute(f"SELECT count(*) FROM {typed}").fetchall()[0][0]
    return ValidationResult(rows_in=rows_in, rows_quarantined=n_rows, failures=n_fail)


def clean_rows_sql(contract: Contract, typed: str = TYPED_TABLE,
                   failures: str = FAIL_TABLE) -> str:
    """SELECT of the rows with no failure: contract columns (typed), `_extract_date`,
    `_row_number`, in file order."""
    cols = ", ".join(f"v.{quote_ident(c.name)}" for c in contract.columns)
    return (f"SELECT {cols}, v._extract_date, v._row_number FROM {typed} v "
            f"WHERE v._flags = '' AND NOT EXISTS "
            f"(SELECT 1 FROM {failures} f WHERE f._row_number = v._row_number)")
