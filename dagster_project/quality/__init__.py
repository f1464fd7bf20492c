"""Quality gates: GX suites (expectations/*.json) run as Dagster asset checks, and the
check-results history (quality.check_results, quality.check_summary).

gx_runner.py  run one suite against a DuckDB table with GX Core 1.x, from the pieces below:
  suite_file.py  reading a suite file; expectation names, severities, columns and parameters used
  context.py     the process's one GX context; validating a frame
  batches.py     the rows a batch is, fetched as a frame of only the columns read
  parameters.py  run-time parameters (value sets, the check date, the previous row count)
  chunking.py    a batch bigger than GX_CHUNK_ROWS validated in chunks
  outcomes.py    ExpectationOutcome, SuiteResult
  partitions.py  a big mart's suite validating only the partitions (months) that changed
  relations.py   does a relation exist, its columns
fingerprint.py  what a suite's verdict depends on, hashed
carry.py      run a suite, or carry its last passing verdict when nothing it reads changed
suites.py     where the suites are; the raw-table suites generated from CONTRACTS
history.py    quality.check_results and its views; dbt-test and contract results
checks.py     the asset checks (`quality_checks`) for definitions.py
"""
