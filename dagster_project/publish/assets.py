"""The publish asset `published/tables`: write-audit-publish of everything BI tools read.

It publishes the tables declared in tables.py (the dbt models under `models/published/`, the SPC
and impact tables, the check summary) through `publish()` (publish.py: atomic, refuses on a
failed blocking check). Every one of them passes through the disclosure policy first
(disclosure.py `disclose_all`): the cells marts.disclosure_withheld_cells withholds carry no
figures anywhere published.

It depends on every asset that has a GX suite (raw, marts, SPC), on the asset behind each
published table and on the disclosure policy's dbt models, so that each blocking asset check in
the run is wired directly to it: when one fails with ERROR severity, Dagster does not run the
publication at all; `publish()` checks the run's history again before touching anything.
"""


import json
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

import dagster as dg
import duckdb

from ..quality.history import ensure_history
from ..resources import DUCKDB_WRITER_POOL, WarehouseResource
from ..settings import EXPECTATIONS_DIR, get_settings
from ..transform.keys import dbt_asset_key
from .disclosure import POLICY_MODELS, disclose_all
from .publish import publish
from . import tables as declared
from .tables import PublishedTable


def _exists(con: duckdb.DuckDBPyConnection, relation: str) -> bool:
    schema, name = relation.split(".")
    return bool(con.execute("select 1 from information_schema.tables "
                            "where table_schema = ? and table_name = ?", [schema, name]).fetchall())


def publication_tables(con: duckdb.DuckDBPyConnection,
                       tables: Sequence[PublishedTable] | None = None) -> list[tuple[str, str]]:
    """What gets published: [(source relation, published name)], before disclosure control.
    Every declared table must exist: a missing one refuses the publication, naming it."""
    tables = declared.published_tables() if tables is None else tables
    missing = [t.source for t in tables if not _exists(con, t.source)]
    if missing:
        raise dg.Failure(
            description=f"Nothing published: {', '.join(missing)} missing (did dbt, the SPC "
                        "and impact steps run?). The previous publication is unchanged.",
            allow_retries=False)
    return [(t.source, t.name) for t in tables]


def checked_asset_keys(expectations_dir: str | Path = EXPECTATIONS_DIR) -> list[dg.AssetKey]:
    keys = set()
    for path in sorted(Path(expectations_dir).glob("*.json")):
        meta = json.loads(path.read_text(encoding="utf-8")).get("meta", {})
        if meta.get("asset_key"):
            keys.add(tuple(meta["asset_key"]))
    return [dg.AssetKey(list(k)) for k in sorted(keys)]


def published_asset_keys() -> list[dg.AssetKey]:
    """The assets behind the published tables and the disclosure policy's dbt models."""
    return sorted({*(t.asset_key for t in declared.published_tables() if t.asset_key is not None),
                   *(dbt_asset_key(model) for model in POLICY_MODELS)}, key=lambda k: k.path)


def build_publish_asset(
        deps: list[dg.AssetKey] | None = None,
        tables: Callable[[], Sequence[PublishedTable]] = declared.published_tables,
) -> dg.AssetsDefinition:
    """The publish asset; `deps` and `tables` (asked at each run) default to the declared ones
    (a test publishes its handmade warehouse's tables)."""
    upstream = deps if deps is not None else sorted(
        {*checked_asset_keys(), *published_asset_keys()}, key=lambda k: k.path)

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
            ensure_history(con)  # the check summary is a view over the history it creates
            disclosed = disclose_all(con, publication_tables(con, tables()))
            result = publish(con, publish_dir, context.run_id, disclosed)
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


@cache
def _publish_assets() -> list[dg.AssetsDefinition]:
    return [build_publish_asset()]


def __getattr__(name: str):
    # `publish_assets` is built when first asked for (the definitions load), not at import: its
    # dependencies come from the dbt manifest.
    if name == "publish_assets":
        return _publish_assets()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
