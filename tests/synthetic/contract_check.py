"""An independent check of landing files against the declared contracts, in DuckDB.

Mirrors what ingestion must do (docs/extracts.md): every file read as text, each column checked
for presence, type, allowed values, pattern and range, each RowRule evaluated on the typed row
with `_extract_date` = the date in the file name, keys unique within a file, and reference
columns found in the referenced extract. Returns every violation so a test can say which.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dagster_project.contracts import CONTRACTS, CONTRACTS_BY_NAME, Contract

NAME = re.compile(r"^(?P<extract>[a-z_]+)_(?P<date>\d{8})(_.*)?\.csv$")
TRUE_FALSE = ("y", "n", "true", "false", "1", "0")


@dataclass
class Violation:
    file: str
    row: int  # 1 = first data row
    column: str
    rule: str
    value: str | None


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _typed(column) -> str:
    c = f'"{column.name}"'
    if column.type == "int":
        return f"try_cast({c} as bigint)"
    if column.type == "decimal":
        return f"try_cast({c} as double)"
    if column.type == "date":
        return f"coalesce(try_cast({c} as date), try_strptime({c}, '%d/%m/%Y')::date)"
    if column.type == "timestamp":
        return f"try_cast({c} as timestamp)"
    if column.type == "bool":
        return (f"case when lower({c}) in ('y','true','1') then true "
                f"when lower({c}) in ('n','false','0') then false end")
    return c


def _column_checks(column) -> list[tuple[str, str]]:
    """(rule name, SQL condition that is TRUE when the value breaks the rule)."""
    c = f'"{column.name}"'
    typed = _typed(column)
    present = f"({c} is not null and trim({c}) <> '')"
    checks = []
    if column.required:
        checks.append(("required", f"not {present}"))
    if column.type in ("int", "decimal", "date", "timestamp", "bool"):
        checks.append((f"type_{column.type}", f"{present} and {typed} is null"))
    if column.allowed:
        values = [v.lower() for v in column.allowed] + [a.lower() for a in column.aliases]
        cond = f"lower({c}) not in ({', '.join(map(_q, values))})"
        for prefix in column.allowed_prefixes:
            cond += f" and not starts_with({c}, {_q(prefix)})"
        checks.append(("allowed", f"{present} and {cond}"))
    if column.pattern:
        cond = f"{present} and not regexp_full_match({c}, {_q(column.pattern)})"
        checks.append(("pattern", cond))
    if column.min is not None:
        checks.append(("min", f"{present} and {typed} < {column.min}"))
    if column.max is not None:
        checks.append(("max", f"{present} and {typed} > {column.max}"))
    return checks


def extract_files(landing: Path, extract: str) -> list[Path]:
    return sorted((Path(landing) / extract).glob(f"{extract}_*.csv"))


def file_date(path: Path) -> dt.date:
    m = NAME.match(path.name)
    assert m, f"bad file name {path.name}"
    return dt.datetime.strptime(m["date"], "%Y%m%d").date()


def header(path: Path) -> list[str]:
    with open(path, encoding="utf-8") as fh:
        return fh.readline().rstrip("\n").split(",")


def _read(con: duckdb.DuckDBPyConnection, files: list[Path], contract: Contract) -> None:
    """All of an extract's files as text, with each row's file, row number and extract date."""
    cols = ", ".join(f"'{c}': 'VARCHAR'" for c in contract.column_names)
    listing = "[" + ", ".join(_q(str(f)) for f in files) + "]"
    con.execute(
        f"create or replace temp table f as select regexp_extract(filename, '[^/]+$') as _file, "
        f"row_number() over (partition by filename order by _line) as _row, "
        f"strptime(regexp_extract(filename, '_(\\d{{8}})[^/]*$', 1), '%Y%m%d')::date "
        f"as _extract_date, * exclude (filename, _line) from (select *, "
        f"row_number() over () as _line from read_csv({listing}, header=true, delim=',', "
        f"quote='\"', escape='\"', columns={{{cols}}}, auto_detect=false, filename=true))")


def check_landing(landing: Path, extracts: tuple[str, ...] | None = None) -> list[Violation]:
    con = duckdb.connect()
    violations: list[Violation] = []
    wanted = extracts or tuple(c.name for c in CONTRACTS)
    # Reference values: every value ever delivered in the referenced extract.
    ref_values: dict[tuple[str, str], str] = {}
    for contract in CONTRACTS:
        for ref in contract.references:
            key = (ref.to_extract, ref.to_column)
            if key in ref_values:
                continue
            files = extract_files(landing, ref.to_extract)
            table = f"ref_{ref.to_extract}_{ref.to_column}"
            if files:
                listing = "[" + ", ".join(_q(str(f)) for f in files) + "]"
                con.execute(f"create or replace temp table {table} as select distinct "
                            f"\"{ref.to_column}\" as v from read_csv({listing}, header=true, "
                            f"all_varchar=true)")
            else:
                con.execute(f"create or replace temp table {table} (v varchar)")
            ref_values[key] = table
    for name in wanted:
        contract = CONTRACTS_BY_NAME[name]
        files = []
        for path in extract_files(landing, name):
            got = header(path)
            if got != list(contract.column_names):
                violations.append(Violation(path.name, 0, "*", "header", ",".join(got)))
            else:
                files.append(path)
        if not files:
            continue
        _read(con, files, contract)
        parts = []
        for column in contract.columns:
            for rule, cond in _column_checks(column):
                parts.append(f"select _file, _row, {_q(column.name)} as col, {_q(rule)} as rule, "
                             f"\"{column.name}\" as val from f where {cond}")
        typed = ", ".join(f"{_typed(c)} as \"{c.name}\"" for c in contract.columns)
        for rule in contract.rules:
            parts.append(
                f"select _file, _row, {_q(rule.column)}, {_q(rule.name)}, "
                f"cast(\"{rule.column}\" as varchar) from (select _file, _row, _extract_date, "
                f"{typed} from f) where not coalesce({rule.holds}, true)")
        keys = ", ".join(f'"{k}"' for k in contract.key)
        parts.append(
            f"select _file, _row, {_q(contract.key[0])}, 'duplicate_key', "
            f"\"{contract.key[0]}\" from (select _file, _row, {keys}, count(*) over "
            f"(partition by _file, {keys}) as n from f) where n > 1")
        for ref in contract.references:
            table = ref_values[(ref.to_extract, ref.to_column)]
            parts.append(
                f"select _file, _row, {_q(ref.column)}, 'reference', \"{ref.column}\" from f "
                f"where \"{ref.column}\" is not null and \"{ref.column}\" not in "
                f"(select v from {table} where v is not null)")
        for file, row, col, rule, val in con.execute(" union all ".join(parts)).fetchall():
            violations.append(Violation(file, int(row), col, rule, val))
    return violations


def bad_rows_by_file(violations: list[Violation]) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {}
    for v in violations:
        out.setdefault(v.file, set()).add(v.row)
    return out


def count_rows(landing: Path, extract: str) -> int:
    files = extract_files(landing, extract)
    if not files:
        return 0
    listing = "[" + ", ".join(_q(str(f)) for f in files) + "]"
    return duckdb.connect().execute(f"select count(*) from read_csv({listing}, header=true, "
                                    f"all_varchar=true)").fetchone()[0]
