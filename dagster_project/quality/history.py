"""The check-results history: every check that ran (GX expectations, dbt tests, ingestion
contracts) appended to one table, `quality.check_results`, with two views over it.

- `quality.check_summary`: one row per asset, from the latest result of each of its checks:
  `status` is `fail` if a blocking (ERROR) check failed, `warn` if only WARN checks failed, else
  `pass`; `checks`, `checks_failed`, `blocking_failed`, `last_checked_at`, and `pass_rate_30d`
  (share of all results for the asset in the 30 days before its last check that passed).
- `quality.check_pass_rate_daily`: day, checks, passed, pass_rate (pass rate over time).

Contract results (`record_contract_results`): for each file in `raw.load_log` loaded since the
run started, a `file_accepted:<file>` result (failed for a rejected file: that extract did not
refresh) and a `rows_quarantined:<file>` result per file that quarantined rows. Both are WARN, never blocking, by design and in line with the
ingest assets: a rejected file leaves the raw table exactly as it was (the last good delivery,
which passed its checks), so blocking would hold back every other extract's refresh for one
supplier's bad file; instead the rejection is recorded here, shown in `published.data_quality`
(files_rejected) and the report, and the suites' freshness expectations flag the extract if it
goes stale. The count and the rules broken are in `observed_value`. Files skipped as duplicates
record nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from .relations import relation_exists

CHECK_RESULTS_DDL = """
create table if not exists quality.check_results (
    run_id varchar not null,
    asset_key varchar not null,
    check_name varchar not null,
    check_source varchar not null,
    severity varchar not null,
    passed boolean not null,
    observed_value varchar,
    failing_count bigint,
    checked_at timestamp not null
)
"""

# One row per suite check: the fingerprint of what it read (fingerprint.py) and whether it passed,
# or the run whose passing verdict it carried because nothing it reads had changed.
SUITE_VALIDATIONS_DDL = """
create table if not exists quality.suite_validations (
    suite_name varchar not null,
    run_id varchar not null,
    fingerprint varchar,
    passed boolean not null,
    rows_checked bigint,
    carried_from_run varchar,
    checked_at timestamp not null
)
"""

# One row per partition of a partitioned mart suite (carry.py, partitions.py) and run: the
# partition's fingerprint and whether its row-wise expectations were all clean when it was last
# validated (`carried_from_run` set when this run carried it rather than validating it).
PARTITION_VALIDATIONS_DDL = """
create table if not exists quality.partition_validations (
    suite_name varchar not null,
    run_id varchar not null,
    partition_value varchar,
    fingerprint varchar not null,
    clean boolean not null,
    carried_from_run varchar,
    checked_at timestamp not null
)
"""

CHECK_SUMMARY_VIEW = """
create or replace view quality.check_summary as
with ranked as (
    select *, row_number() over (
        partition by asset_key, check_source, check_name
        order by checked_at desc, run_id desc) as recency
    from quality.check_results
),
latest as (select * from ranked where recency = 1),
per_asset as (
    select
        asset_key,
        cast(count(*) as bigint) as checks,
        cast(sum(case when passed then 0 else 1 end) as bigint) as checks_failed,
        cast(sum(case when not passed and severity = 'ERROR' then 1 else 0 end) as bigint)
            as blocking_failed,
        max(checked_at) as last_checked_at
    from latest
    group by asset_key
),
rates as (
    select r.asset_key,
           avg(case when r.passed then 1.0 else 0.0 end) as pass_rate_30d
    from quality.check_results r
    join per_asset p on r.asset_key = p.asset_key
    where r.checked_at >= p.last_checked_at - interval 30 day
    group by r.asset_key
)
select
    p.asset_key,
    case when p.blocking_failed > 0 then 'fail'
         when p.checks_failed > 0 then 'warn'
         else 'pass' end as status,
    p.checks, p.checks_failed, p.blocking_failed, p.last_checked_at,
    cast(r.pass_rate_30d as double) as pass_rate_30d
from per_asset p
left join rates r on p.asset_key = r.asset_key
"""

PASS_RATE_DAILY_VIEW = """
create or replace view quality.check_pass_rate_daily as
select
    cast(checked_at as date) as day,
    cast(count(*) as bigint) as checks,
    cast(sum(case when passed then 1 else 0 end) as bigint) as passed,
    cast(avg(case when passed then 1.0 else 0.0 end) as double) as pass_rate
from quality.check_results
group by 1
"""

COLUMNS = ("run_id", "asset_key", "check_name", "check_source", "severity", "passed",
           "observed_value", "failing_count", "checked_at")


@dataclass(frozen=True)
class CheckRecord:
    run_id: str
    asset_key: str
    check_name: str
    check_source: str  # gx | dbt | contract
    severity: str  # ERROR | WARN
    passed: bool
    observed_value: str | None
    failing_count: int | None
    checked_at: datetime


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


HISTORY_RELATIONS = ("check_results", "suite_validations", "partition_validations",
                     "check_summary", "check_pass_rate_daily")

# Warehouse files whose history DDL this process has already run: every check step writes the
# history, and re-creating two views and three tables each time (catalog writes) cost more than
# the insert itself. The views are still replaced once per process, so a new definition applies.
_ENSURED: set[str] = set()


def _database_file(con: duckdb.DuckDBPyConnection) -> str | None:
    rows = con.execute("select path from duckdb_databases() "
                       "where database_name = current_database()").fetchall()
    return rows[0][0] if rows else None


def _history_present(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute(
        "select count(*) from information_schema.tables where table_schema = 'quality' "
        f"and table_name in ({', '.join('?' * len(HISTORY_RELATIONS))})",
        list(HISTORY_RELATIONS)).fetchall()[0][0] == len(HISTORY_RELATIONS)


def ensure_history(con: duckdb.DuckDBPyConnection) -> None:
    database = _database_file(con)  # None for an in-memory database: never remembered
    if database in _ENSURED and _history_present(con):
        return
    con.execute("create schema if not exists quality")
    con.execute(CHECK_RESULTS_DDL)
    con.execute(SUITE_VALIDATIONS_DDL)
    con.execute(PARTITION_VALIDATIONS_DDL)
    con.execute(CHECK_SUMMARY_VIEW)
    con.execute(PASS_RATE_DAILY_VIEW)
    if database:
        _ENSURED.add(database)


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str],
                rows: list[tuple]) -> None:
    """One multi-row insert (executemany runs one statement per row)."""
    row = f"({', '.join('?' * len(columns))})"
    for start in range(0, len(rows), 200):
        part = rows[start:start + 200]
        con.execute(f"insert into {table} ({', '.join(columns)}) values "
                    + ", ".join([row] * len(part)), [v for r in part for v in r])


def append_results(con: duckdb.DuckDBPyConnection, records: Iterable[CheckRecord]) -> int:
    rows = [tuple(getattr(r, c) for c in COLUMNS) for r in records]
    ensure_history(con)
    if rows:
        insert_rows(con, "quality.check_results", COLUMNS, rows)
    return len(rows)


def gx_records(suite_result, run_id: str, checked_at: datetime | None = None) -> list[CheckRecord]:
    """One record per expectation of a `SuiteResult` (gx_runner)."""
    at = checked_at or utcnow()
    return [
        CheckRecord(run_id, suite_result.asset_key, o.name, "gx", o.severity, o.success,
                    o.observed_value, o.unexpected_count, at)
        for o in suite_result.outcomes
    ]


def record_gx_results(con, suite_result, run_id: str) -> int:
    return append_results(con, gx_records(suite_result, run_id))


# ------------------------------------------------------------------------------------------ dbt

def _dbt_asset_key(node: dict, manifest: dict) -> str:
    """The asset a dbt test is attached to, spelt like the Dagster asset key
    (`<schema>/<name>` for models and seeds, `<source schema>/<identifier>` for sources)."""
    attached = node.get("attached_node")
    parents = [attached] if attached else list(node.get("depends_on", {}).get("nodes", []))
    for uid in parents:
        if uid in manifest.get("nodes", {}):
            parent = manifest["nodes"][uid]
            return f"{parent['schema']}/{parent.get('alias') or parent['name']}"
        if uid in manifest.get("sources", {}):
            parent = manifest["sources"][uid]
            return f"{parent['schema']}/{parent.get('identifier') or parent['name']}"
    return f"dbt/{node.get('name', 'unknown')}"


def dbt_records(run_results: dict, manifest: dict, run_id: str) -> list[CheckRecord]:
    """Tests from a dbt `run_results.json` (models, seeds and skipped tests are left out)."""
    out = []
    at = utcnow()
    generated = run_results.get("metadata", {}).get("generated_at")
    if generated:
        try:
            at = datetime.fromisoformat(generated.replace("Z", "+00:00")) \
                .astimezone(timezone.utc).replace(tzinfo=None)
        except ValueError:
            pass
    for result in run_results.get("results", []):
        uid = result.get("unique_id", "")
        if not uid.startswith(("test.", "unit_test.")) or result.get("status") == "skipped":
            continue
        node = manifest.get("nodes", {}).get(uid) or manifest.get("unit_tests", {}).get(uid) or {}
        config_severity = str(node.get("config", {}).get("severity", "error")).upper()
        status = result.get("status")
        severity = "WARN" if status == "warn" or config_severity == "WARN" else "ERROR"
        failures = result.get("failures")
        message = result.get("message")
        observed = message if message else (None if failures is None else f"{failures} failing")
        out.append(CheckRecord(
            run_id=run_id,
            asset_key=_dbt_asset_key(node, manifest) if node else f"dbt/{uid}",
            check_name=node.get("name") or uid.split(".")[-2 if uid.count(".") >= 2 else -1],
            check_source="dbt",
            severity=severity,
            passed=status == "pass",
            observed_value=observed[:1000] if observed else None,
            failing_count=failures if isinstance(failures, int) else None,
            checked_at=at,
        ))
    return out


def record_dbt_results(con, run_results_path: str | Path, run_id: str,
                       manifest_path: str | Path | None = None) -> int:
    """Append the dbt tests of one `dbt build` (its run_results.json, and manifest.json beside
    it for each test's model and configured severity) to `quality.check_results`."""
    run_results_path = Path(run_results_path)
    manifest_path = Path(manifest_path or run_results_path.with_name("manifest.json"))
    run_results = json.loads(run_results_path.read_text(encoding="utf-8"))
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) \
        if manifest_path.exists() else {}
    return append_results(con, dbt_records(run_results, manifest, run_id))


# ------------------------------------------------------------------------------------ contracts

def contract_records(con, run_id: str, since: datetime | None,
                     extracts: Sequence[str] | None = None) -> list[CheckRecord]:
    """Ingestion contract results for files logged in `raw.load_log` at or after `since`
    (naive UTC, the convention of `loaded_at`), optionally for some extracts only."""
    if not relation_exists(con, "raw.load_log"):
        return []
    where, params = ["1 = 1"], []
    if since is not None:
        where.append("loaded_at >= ?")
        params.append(since)
    if extracts:
        where.append(f"extract in ({', '.join('?' * len(extracts))})")
        params.extend(extracts)
    logs = con.execute(f"""
        select extract, file_name, status, coalesce(rows_in, 0), coalesce(rows_loaded, 0),
               coalesce(rows_quarantined, 0), message, loaded_at
        from raw.load_log where {' and '.join(where)}
        order by loaded_at, file_name""", params).fetchall()
    has_quarantine = relation_exists(con, "raw.quarantine")
    out = []
    for extract, file_name, status, rows_in, _rows_loaded, quarantined, message, loaded_at in logs:
        asset = f"raw/{extract}"
        if status == "skipped_duplicate":
            continue
        out.append(CheckRecord(
            run_id, asset, f"file_accepted:{file_name}", "contract", "WARN",
            status != "rejected",
            (message or status)[:1000] if status == "rejected" else f"{status}: {rows_in} rows in",
            rows_in if status == "rejected" else 0, loaded_at or utcnow()))
        if status != "rejected" and quarantined:
            rules = ""
            if has_quarantine:
                # the first row number points at an example; the value itself is row content,
                # which check messages never carry (it stays in raw.quarantine)
                broken = con.execute("""
                    select column_name || ' ' || rule as what, count(*) n,
                           min(row_number) as first_row
                    from raw.quarantine where extract = ? and file_name = ?
                    group by 1 order by n desc limit 5""", [extract, file_name]).fetchall()
                rules = "; ".join(f"{what} x{n} (first at row {first_row})"
                                  for what, n, first_row in broken)
            out.append(CheckRecord(
                run_id, asset, f"rows_quarantined:{file_name}", "contract", "WARN", False,
                f"{quarantined} of {rows_in} rows quarantined" + (f": {rules}" if rules else ""),
                quarantined, loaded_at or utcnow()))
    return out


def record_contract_results(con, run_id: str, since: datetime | None,
                            extracts: Sequence[str] | None = None) -> list[CheckRecord]:
    records = contract_records(con, run_id, since, extracts)
    append_results(con, records)
    return records


def failed_blocking_results(con, run_id: str) -> list[tuple[str, str, str, str | None]]:
    """(asset_key, check_name, check_source, observed_value) of every failed ERROR result of
    one run."""
    if not relation_exists(con, "quality.check_results"):
        return []
    return con.execute("""
        select asset_key, check_name, check_source, observed_value
        from quality.check_results
        where run_id = ? and severity = 'ERROR' and not passed
        order by asset_key, check_source, check_name""", [run_id]).fetchall()
