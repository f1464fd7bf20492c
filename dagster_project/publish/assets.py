"""The publish asset `published/tables`: write-audit-publish of everything BI tools read.

It publishes every `publish_candidate.*` view (dbt), every `spc.*` table, `quality.check_summary`
as `published.check_summary`, and `published.data_quality` (one row per extract, from
raw.load_log), through `publish()` (publish.py: atomic, refuses on a failed blocking check).
Every one of them passes through the disclosure policy first (disclosure.py `disclose_all`):
the cells marts.disclosure_withheld_cells withholds carry no figures anywhere published.

It depends on every asset that has a GX suite (raw, marts, SPC) and on the `publish_candidate`
models in the dbt manifest, so that each blocking asset check in the run is wired directly to it:
when one fails with ERROR severity, Dagster does not run the publication at all; `publish()`
checks the run's history again before touching anything.
"""


import json
from pathlib import Path

import dagster as dg
import duckdb

from ..contracts import CONTRACTS
from ..resources import DUCKDB_WRITER_POOL, WarehouseResource
from ..settings import DBT_PROJECT_DIR, EXPECTATIONS_DIR, get_settings
from .disclosure import POLICY_MODELS, disclose_all
from .publish import publish

CANDIDATE_SCHEMA = "publish_candidate"
SPC_SCHEMA = "spc"


def _relations(con: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    return [r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_schema = ? "
        "order by table_name", [schema]).fetchall()]


def data_quality_sql(con: duckdb.DuckDBPyConnection) -> str:
    """One row per extract in CONTRACTS: files loaded and rejected, rows loaded and
    quarantined, the latest extract date loaded and when the extract last loaded."""
    extracts = ", ".join(f"('{c.name}', '{c.family}')" for c in CONTRACTS)
    has_log = "load_log" in _relations(con, "raw")
    stats = """
        select extract,
               sum(case when status = 'loaded' then 1 else 0 end) as files_loaded,
               sum(case when status = 'rejected' then 1 else 0 end) as files_rejected,
               sum(case when status = 'loaded' then rows_loaded else 0 end) as rows_loaded,
               sum(case when status = 'loaded' then rows_quarantined else 0 end)
                   as rows_quarantined,
               max(case when status = 'loaded' then extract_date end) as latest_extract_date,
               max(case when status = 'loaded' then loaded_at end) as last_loaded_at
        from raw.load_log group by extract""" if has_log else """
        select null::varchar as extract, 0 as files_loaded, 0 as files_rejected,
               0 as rows_loaded, 0 as rows_quarantined, null::date as latest_extract_date,
               null::timestamp as last_loaded_at where false"""
    return f"""(
        select e.extract, e.family,
               cast(coalesce(s.files_loaded, 0) as bigint) as files_loaded,
               cast(coalesce(s.files_rejected, 0) as bigint) as files_rejected,
               cast(coalesce(s.rows_loaded, 0) as bigint) as rows_loaded,
               cast(coalesce(s.rows_quarantined, 0) as bigint) as rows_quarantined,
               cast(s.latest_extract_date as date) as latest_extract_date,
               cast(s.last_loaded_at as timestamp) as last_loaded_at
        from (values {extracts}) as e(extract, family)
        left join ({stats}) as s on s.extract = e.extract
        order by e.extract) as data_quality"""


def publication_tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """What gets published: [(source relation, published name)], before disclosure control."""
    candidates = _relations(con, CANDIDATE_SCHEMA)
    if not candidates:
        raise dg.Failure(
            description=f"Nothing to publish: schema {CANDIDATE_SCHEMA} has no views (did dbt "
                        "build the publication candidates?). The previous publication is "
                        "unchanged.", allow_retries=False)
    tables = [(f"{CANDIDATE_SCHEMA}.{name}", name) for name in candidates]
    tables += [(f"{SPC_SCHEMA}.{name}", name) for name in _relations(con, SPC_SCHEMA)]
    tables.append(("quality.check_summary", "check_summary"))
    tables.append((data_quality_sql(con), "data_quality"))
    return tables


def checked_asset_keys(expectations_dir: str | Path = EXPECTATIONS_DIR) -> list[dg.AssetKey]:
    keys = set()
    for path in sorted(Path(expectations_dir).glob("*.json")):
        meta = json.loads(path.read_text(encoding="utf-8")).get("meta", {})
        if meta.get("asset_key"):
            keys.add(tuple(meta["asset_key"]))
    return [dg.AssetKey(list(k)) for k in sorted(keys)]


def candidate_asset_keys(manifest_path: str | Path | None = None) -> list[dg.AssetKey]:
    """The dbt models built into schema publish_candidate, and the disclosure policy's models,
    from the prepared manifest."""
    path = Path(manifest_path or DBT_PROJECT_DIR / "target" / "manifest.json")
    if not path.exists():
        return []
    nodes = json.loads(path.read_text(encoding="utf-8")).get("nodes", {})
    return sorted({dg.AssetKey([n["schema"], n.get("alias") or n["name"]])
                   for n in nodes.values()
                   if n.get("resource_type") == "model"
                   and (n.get("schema") == CANDIDATE_SCHEMA
                        or (n.get("schema"), n.get("name")) in POLICY_MODELS)},
                  key=lambda k: k.path)


def build_publish_asset(deps: list[dg.AssetKey] | None = None) -> dg.AssetsDefinition:
    upstream = deps if deps is not None else sorted(
        {*checked_asset_keys(), *candidate_asset_keys()}, key=lambda k: k.path)

    @dg.asset(
        key=["published", "tables"],
        group_name="publish",
        deps=upstream,
        pool=DUCKDB_WRITER_POOL,
        kinds={"duckdb", "parquet"},
        description="Write-audit-publish: the publication candidates, SPC tables, check summary "
                    "and data-quality table, published atomically to schema `published` and "
                    "to Parquet under PUBLISH_DIR (one folder per table) - only when every "
                    "blocking check of the run passed.",
    )
    def published_tables(context: dg.AssetExecutionContext,
                         warehouse: WarehouseResource) -> dg.MaterializeResult:
        publish_dir = get_settings().publish_dir
        with warehouse.connect() as con:
            tables = disclose_all(con, publication_tables(con))
            result = publish(con, publish_dir, context.run_id, tables)
        context.log.info(f"published {len(result.tables)} tables ({result.total_rows:,} rows) "
                         f"as version {result.version} under {publish_dir}")
        return dg.MaterializeResult(metadata={
            "version": result.version,
            "tables": len(result.tables),
            "rows": dg.MetadataValue.json(result.tables),
            "publish_dir": dg.MetadataValue.path(str(publish_dir)),
            "removed_tables": dg.MetadataValue.json(result.removed_tables),
            "dagster/row_count": result.total_rows,
        })

    return published_tables


publish_assets: list[dg.AssetsDefinition] = [build_publish_asset()]
