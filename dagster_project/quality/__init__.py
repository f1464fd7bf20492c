"""Quality gates: GX suites (expectations/*.json) run as Dagster asset checks, and the
check-results history (quality.check_results, quality.check_summary).

gx_runner.py  load a suite, validate a DuckDB table with GX Core 1.x, structured results
suites.py     where the suites are; the raw-table suites generated from CONTRACTS
history.py    quality.check_results and its views; dbt-test and contract results
checks.py     the asset checks (`quality_checks`) for definitions.py
"""
