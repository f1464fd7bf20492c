"""Run a suite, or carry its last passing verdict when nothing it reads has changed since.

A quiet night rebuilds few tables; re-validating the others would re-read them to reach the
verdict already on record. So before a suite runs, its fingerprint (fingerprint.py: the suite
file, every relation it reads, the check date where it matters) is compared with the one of its
latest validation. Only when that validation passed and the fingerprints are equal is the suite
not run: its outcomes are recorded again for this run, unchanged, and the result says which run
actually validated it (`carried_from_run`). Anything else runs: a changed table, a failed or
missing previous validation, no fingerprint.
"""

from __future__ import annotations

from dataclasses import dataclass

from .gx_runner import run_suite
from .history import ensure_history, utcnow
from .outcomes import ExpectationOutcome, SuiteResult
from .partitions import plan_partitions, record_partitions, split_by_partition
from .relations import relation_exists
from .suite_file import asset_key_str, expectation_names, severities


@dataclass(frozen=True)
class Validation:
    run_id: str
    fingerprint: str | None
    passed: bool
    rows_checked: int | None
    validated_in: str  # the run that ran the suite (itself, or the run it carried from)


def last_validation(con, suite_name: str) -> Validation | None:
    if not relation_exists(con, "quality.suite_validations"):
        return None
    rows = con.execute("""
        select run_id, fingerprint, passed, rows_checked, coalesce(carried_from_run, run_id)
        from quality.suite_validations where suite_name = ?
        order by checked_at desc limit 1""", [suite_name]).fetchall()
    return Validation(*rows[0]) if rows else None


def record_validation(con, result: SuiteResult, run_id: str, fingerprint: str | None) -> None:
    ensure_history(con)
    con.execute("insert into quality.suite_validations values (?, ?, ?, ?, ?, ?, ?)",
                [result.suite_name, run_id, fingerprint, result.passed, result.rows_checked,
                 result.carried_from_run, utcnow()])


def carried_result(con, suite: dict, previous: Validation) -> SuiteResult | None:
    """The outcomes recorded for the previous validation's run, or None if they are not all
    there (a history cleared by hand, say: then the suite runs)."""
    recorded = {name: (severity, passed, observed, failing) for name, severity, passed, observed,
                failing in con.execute("""
        select check_name, severity, passed, observed_value, failing_count
        from quality.check_results
        where run_id = ? and asset_key = ? and check_source = 'gx'""",
                                       [previous.run_id, asset_key_str(suite)]).fetchall()}
    names = expectation_names(suite)
    if set(recorded) != set(names):
        return None
    outcomes = []
    for name, exp, severity in zip(names, suite.get("expectations", []), severities(suite),
                                   strict=True):
        _, passed, observed, failing = recorded[name]
        outcomes.append(ExpectationOutcome(
            name=name, expectation_type=exp["type"], column=exp.get("kwargs", {}).get("column"),
            severity=severity, success=passed, observed_value=observed,
            unexpected_count=failing, notes=exp.get("meta", {}).get("notes")))
    return SuiteResult(suite_name=suite["name"], asset_key=asset_key_str(suite),
                       table=suite["meta"]["table"], rows_checked=previous.rows_checked,
                       outcomes=outcomes, carried_from_run=previous.validated_in)


def run_or_carry(con, suite: dict, run_id: str) -> SuiteResult:
    """The suite's result for this run, validated afresh or carried; recorded in
    quality.suite_validations either way (the outcomes are the caller's to record)."""
    from .fingerprint import suite_fingerprint

    fingerprint = suite_fingerprint(con, suite)
    previous = last_validation(con, suite["name"])
    result = None
    if (fingerprint is not None and previous is not None and previous.passed
            and previous.fingerprint == fingerprint):
        result = carried_result(con, suite, previous)
    if result is None:
        result = validate(con, suite, run_id)
    record_validation(con, result, run_id, fingerprint)
    return result


def validate(con, suite: dict, run_id: str) -> SuiteResult:
    """Run the suite; a partitioned mart suite validates only its partitions that changed since
    they were last validated clean (partitions.py), and records every partition."""
    plan = plan_partitions(con, suite)
    result = run_suite(con, suite, run_id=run_id, plan=plan)
    if plan is not None:
        result.partitions_carried = dict(plan.carried)
        result.partitions_validated = plan.validated
        split = {name for name, exp in zip(expectation_names(suite), suite["expectations"],
                                           strict=True) if split_by_partition(suite, exp)}
        # clean: no split expectation found a failing row (or failed to run) in these rows
        clean = all(o.success and not o.unexpected_count
                    for o in result.outcomes if o.name in split)
        record_partitions(con, suite["name"], plan, run_id, clean)
    return result
