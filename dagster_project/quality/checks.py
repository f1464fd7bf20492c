"""The asset checks: one per GX suite in `expectations/`, one ingestion-contract check per raw
extract; every result is appended to `quality.check_results`.

A suite whose inputs did not change since it last passed is not run again: its verdict is carried
(carry.py) and its metadata says from which run (`carried_from_run`). A partitioned mart suite
validates only the partitions that changed (partitions.py); its metadata says which
(`partitions_validated`) and how many were carried (`partitions_carried`).

Blocking: a suite's check is `blocking=True` when the suite has at least one ERROR expectation.
It returns `passed=False` if any expectation failed, with severity ERROR if an ERROR expectation
failed (Dagster then skips the checked asset's downstream assets in the run, and the publish
asset, which depends on every checked asset, is not run) or WARN if only WARN expectations
failed (recorded and shown; nothing is held back). The publish step re-checks the history for the
run (belt and braces), so a failed ERROR check stops publication even if the check ran outside
Dagster's blocking (a separate step, a sensor, a rerun of only the checks).

The contract check (`contract`) turns `raw.load_log`/`raw.quarantine` rows for files loaded in
this run into results (WARN only, never blocking: see history.py).

Resources: `warehouse` (WarehouseResource). Checks that write the warehouse use DUCKDB_WRITER_POOL.
Like every warehouse step they wait (saying so at INFO) while another process holds the warehouse,
and are retried when that wait runs out (TRANSIENT_RETRY_POLICY); any other error fails at once.
"""


from datetime import datetime, timezone
from pathlib import Path

import dagster as dg

from ..contracts import CONTRACTS
from ..resources import DUCKDB_WRITER_POOL, WarehouseResource
from ..retries import TRANSIENT_RETRY_POLICY, only_transient_retried
from ..settings import EXPECTATIONS_DIR
from .carry import run_or_carry
from .outcomes import SuiteResult
from .suite_file import load_suite, suite_has_blocking
from .history import CheckRecord, append_results, gx_records, record_contract_results
from .suites import suite_paths

MAX_ROWS_IN_METADATA = 40


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ")[:200]


def failures_markdown(result: SuiteResult) -> str:
    failed = sorted(result.failed, key=lambda o: (o.severity != "ERROR", o.name))
    if not failed:
        return f"All {len(result.outcomes)} expectations passed."
    lines = ["| severity | expectation | column | observed | failing | sample failing values |",
             "|---|---|---|---|---|---|"]
    for o in failed[:MAX_ROWS_IN_METADATA]:
        lines.append(f"| {o.severity} | {_cell(o.name)} | {_cell(o.column)} | "
                     f"{_cell(o.observed_value)} | {_cell(o.unexpected_count)} | "
                     f"{_cell(o.partial_unexpected[:5] if o.partial_unexpected else '')} |")
    if len(failed) > MAX_ROWS_IN_METADATA:
        lines.append(f"\n… and {len(failed) - MAX_ROWS_IN_METADATA} more (quality.check_results)")
    return "\n".join(lines)


def carried(result: SuiteResult) -> str:
    return (f"carried from run {result.carried_from_run}: nothing the suite reads changed "
            "since it passed")


def partitions_note(result: SuiteResult) -> str:
    """For a partitioned mart suite, which partitions were validated and which carried."""
    if not result.partitions_carried:
        return ""
    runs = sorted(set(result.partitions_carried.values()))
    return (f"{len(result.partitions_validated)} partitions validated, "
            f"{len(result.partitions_carried)} unchanged and carried from run(s) "
            f"{', '.join(runs)}")


def check_result(result: SuiteResult) -> dg.AssetCheckResult:
    """The Dagster result of one suite run, with failing expectations readable in the UI."""
    severity = dg.AssetCheckSeverity.ERROR if result.blocking_failed \
        else dg.AssetCheckSeverity.WARN
    description = (f"{len(result.failed)} of {len(result.outcomes)} expectations failed "
                   f"({len(result.blocking_failed)} blocking)" if result.failed
                   else f"{len(result.outcomes)} expectations passed")
    carried_from = {}
    if result.carried_from_run:
        description += f" ({carried(result)})"
        carried_from = {"carried_from_run": result.carried_from_run}
    if result.partitions_carried:
        description += f" ({partitions_note(result)})"
        carried_from.update(
            partitions_validated=", ".join(map(str, result.partitions_validated)),
            partitions_carried=len(result.partitions_carried))
    return dg.AssetCheckResult(
        passed=result.passed,
        severity=severity,
        description=description,
        metadata={
            **carried_from,
            "suite": result.suite_name,
            "table": result.table,
            "rows_checked": result.rows_checked if result.rows_checked is not None else -1,
            "expectations": len(result.outcomes),
            "failed_error": len(result.blocking_failed),
            "failed_warn": len(result.failed) - len(result.blocking_failed),
            "seconds": round(result.seconds, 3),
            "failures": dg.MetadataValue.md(failures_markdown(result)),
        },
    )


def build_suite_check(path: str | Path) -> dg.AssetChecksDefinition:
    path = Path(path)
    suite = load_suite(path)
    meta = suite["meta"]
    table_name = meta["table"].split(".")[-1]
    blocking = suite_has_blocking(suite)

    @dg.asset_check(
        asset=dg.AssetKey(meta["asset_key"]),
        name=f"gx_{table_name}",
        description=(f"Great Expectations suite {path.name} on {meta['table']}"
                     f" ({'blocking' if blocking else 'warnings only'}). "
                     + meta.get("description", "")),
        blocking=blocking,
        pool=DUCKDB_WRITER_POOL,
        metadata={"suite_file": str(path.name)},
        retry_policy=TRANSIENT_RETRY_POLICY,
    )
    def _check(context: dg.AssetCheckExecutionContext,
               warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with only_transient_retried(f"check gx_{table_name}"), warehouse.connect() as con:
            # the suite file is read again here, so an analyst's edit applies to the next run
            run_id = context.run.run_id
            result = run_or_carry(con, load_suite(path), run_id)
            append_results(con, gx_records(result, run_id))
        for o in result.failed:
            log = context.log.error if o.severity == "ERROR" else context.log.warning
            log(f"{result.asset_key} {o.severity} {o.name}: {o.observed_value}")
        context.log.info(f"{result.suite_name}: {len(result.outcomes)} expectations, "
                         f"{len(result.failed)} failed, {result.seconds:.2f}s"
                         + (f", {carried(result)}" if result.carried_from_run else "")
                         + (f", {partitions_note(result)}" if result.partitions_carried else ""))
        return check_result(result)

    return _check


def _run_start(context: dg.AssetCheckExecutionContext) -> datetime | None:
    """When this run started, naive UTC (the convention of raw.load_log.loaded_at); None (every
    logged file) if the instance cannot say."""
    try:
        record = context.instance.get_run_record_by_id(context.run.run_id)
    except Exception:  # noqa: BLE001 - an instance without run records
        return None
    if record is None:
        return None
    if record.start_time is not None:
        return datetime.fromtimestamp(record.start_time, timezone.utc).replace(tzinfo=None)
    return record.create_timestamp.astimezone(timezone.utc).replace(tzinfo=None)


def contract_check_result(records: list[CheckRecord]) -> dg.AssetCheckResult:
    failed = [r for r in records if not r.passed]
    lines = ["| check | observed | failing |", "|---|---|---|"] + [
        f"| {_cell(r.check_name)} | {_cell(r.observed_value)} | {_cell(r.failing_count)} |"
        for r in failed[:MAX_ROWS_IN_METADATA]]
    return dg.AssetCheckResult(
        passed=not failed,
        severity=dg.AssetCheckSeverity.WARN,
        description=f"{len(records)} contract results for files loaded in this run, "
                    f"{len(failed)} failed",
        metadata={
            "files_checked": sum(1 for r in records if r.check_name.startswith("file_accepted")),
            "files_rejected": sum(1 for r in failed if r.check_name.startswith("file_accepted")),
            "rows_quarantined": sum(r.failing_count or 0 for r in failed
                                    if r.check_name.startswith("rows_quarantined")),
            "failures": dg.MetadataValue.md("\n".join(lines) if failed
                                            else "No rejected files or quarantined rows."),
        },
    )


def build_contract_check(extract: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(["raw", extract]),
        name="contract",
        description="Ingestion contract results for the files loaded in this run: rejected files "
                    "and quarantined rows (warnings; the raw table keeps only valid rows).",
        blocking=False,
        pool=DUCKDB_WRITER_POOL,
        retry_policy=TRANSIENT_RETRY_POLICY,
    )
    def _check(context: dg.AssetCheckExecutionContext,
               warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with only_transient_retried(f"check {extract} contract"), warehouse.connect() as con:
            records = record_contract_results(con, context.run.run_id, _run_start(context),
                                              [extract])
        return contract_check_result(records)

    return _check


def build_quality_checks(expectations_dir: str | Path = EXPECTATIONS_DIR,
                         contracts=CONTRACTS) -> list[dg.AssetChecksDefinition]:
    return [*(build_suite_check(p) for p in suite_paths(expectations_dir)),
            *(build_contract_check(c.name) for c in contracts)]


quality_checks: list[dg.AssetChecksDefinition] = build_quality_checks()
