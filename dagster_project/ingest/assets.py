"""One Dagster asset per extract, built from CONTRACTS by a factory (no per-extract code).

Each asset `raw/<extract>` (group `ingest`, pool DUCKDB_WRITER_POOL) loads the new files of its
landing folder with `load_extract` and depends on the raw assets its contract references
(`org_structure` before everything that names a site/CSU/ward, `waste_schemes` before
`waste_savings`), so the references are checked against already-loaded data.

What counts as a failure, and what is retried:
- A rejected file, or quarantined rows, are data problems of the supplier's file, not of the run.
  They are recorded (raw.load_log / raw.quarantine), logged as warnings and shown in the
  materialisation metadata, and the asset SUCCEEDS: the warehouse is consistent (the earlier data
  of that date is untouched), the other files and extracts still flow downstream, and re-running
  could not fix the file anyway. Quality checks and the report surface the rejections.
- A transient error (the warehouse locked by another process, a transaction conflict, an I/O
  hiccup) fails the attempt and the RetryPolicy retries it with exponential backoff and jitter.
- Anything else (a referenced table never loaded, a raw table that no longer matches its
  contract, a bug) fails the asset at once with `dg.Failure(allow_retries=False)`: retrying a
  deterministic failure only delays the alert (see retries.py).
"""

import dagster as dg

from ..console import Progress
from ..engine import land_extract
from ..contracts import CONTRACTS, Contract
from ..resources import DUCKDB_WRITER_POOL, WarehouseResource
from ..retries import TRANSIENT_RETRY_POLICY, only_transient_retried
from ..retries import is_transient  # noqa: F401 - the ingest tests import it from here
from ..settings import get_settings
from .load import RAW_SCHEMA, ExtractLoadResult, load_extract
from .reader import quote_ident

RETRY_POLICY = TRANSIENT_RETRY_POLICY

_DAGSTER_TYPES = {"VARCHAR": "string", "BIGINT": "int", "DOUBLE": "float", "DATE": "date",
                  "TIMESTAMP": "timestamp", "BOOLEAN": "bool"}


def table_schema(contract: Contract) -> dg.TableSchema:
    return dg.TableSchema(columns=[
        dg.TableColumn(c.name, _DAGSTER_TYPES.get(c.duckdb_type, c.duckdb_type.lower()),
                       description=c.description or None)
        for c in contract.columns])


def result_metadata(result: ExtractLoadResult, row_count: int) -> dict:
    return {
        "files_loaded": result.files_loaded,
        "files_rejected": result.files_rejected,
        "files_skipped_duplicate": result.files_skipped,
        "files_unchanged": len(result.unchanged),
        "files_pending": len(result.pending),
        "files_ignored": dg.MetadataValue.json(result.ignored),
        "rows_in": result.rows_in,
        "rows_loaded": result.rows_loaded,
        "rows_quarantined": result.rows_quarantined,
        "files": dg.MetadataValue.md(result.markdown()),
        "dagster/row_count": row_count,
    }


def build_ingest_asset(contract: Contract) -> dg.AssetsDefinition:
    upstream = sorted({r.to_extract for r in contract.references} - {contract.name})

    @dg.asset(
        key=["raw", contract.name],
        group_name="ingest",
        description=contract.description,
        deps=[dg.AssetKey(["raw", name]) for name in upstream],
        pool=DUCKDB_WRITER_POOL,
        retry_policy=RETRY_POLICY,
        kinds={"duckdb"},
        metadata={"dagster/column_schema": table_schema(contract),
                  "contract_family": contract.family, "contract_key": ", ".join(contract.key)},
    )
    def _ingest(context: dg.AssetExecutionContext,
                warehouse: WarehouseResource) -> dg.MaterializeResult:
        landing = get_settings().landing_dir
        progress = Progress(context.log.info)

        def loaded_so_far(done: int, found: int, rows: int) -> None:
            progress(done, found, f"{done} of {found} files, {rows:,} rows "
                                  f"({rows / max(progress.seconds, 0.001):,.0f} rows/s)")

        with only_transient_retried(f"raw/{contract.name}", context.retry_number, RETRY_POLICY), \
                warehouse.connect() as con:
            result = load_extract(con, contract, landing, progress=loaded_so_far)
            land_extract(con, contract.name)  # on Spark: into the lake, beside the warehouse
            row_count = con.execute(
                f"SELECT count(*) FROM {RAW_SCHEMA}.{quote_ident(contract.name)}").fetchone()[0]
        for f in result.files:
            if f.status == "rejected":
                context.log.warning(f.message)
            else:  # the step's finished line sums these up; the UI keeps every file's line
                context.log.debug(f"{f.file_name}: {f.status}: {f.message}")
        for name in result.ignored:
            context.log.warning(f"{name}: ignored (not named like a {contract.name} extract)")
        context.log.debug(result.summary())
        return dg.MaterializeResult(metadata=result_metadata(result, row_count))

    return _ingest


ingest_assets: list[dg.AssetsDefinition] = [build_ingest_asset(c) for c in CONTRACTS]
