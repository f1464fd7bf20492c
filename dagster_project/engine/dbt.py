"""dbt on the configured engine: what changes around a `dbt build` when it runs on Spark.

Before: the lake is brought in step with every source dbt reads (lake.sync_lake), and dbt is
told which optional sources exist (the `lake_tables` var) and to use the profile's `spark`
output, with the Spark settings in its environment (spark.dbt_environment).
After: the Spark-built tables become views in the DuckDB warehouse (marts.attach_spark_tables),
where every later step reads them. On DuckDB nothing changes.
"""

from __future__ import annotations

import json

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..settings import environment_overridden, get_settings
from . import on_spark

SPARK_TARGET = "spark"
LAKE_TABLES_VAR = "lake_tables"


def spark_build_args(args: list[str], lake_tables: list[str]) -> list[str]:
    """`args` for the profile's spark output, with `lake_tables` merged into its one --vars."""
    args = list(args)
    variables = {}
    if "--vars" in args:
        at = args.index("--vars")
        variables = json.loads(args[at + 1])
        del args[at:at + 2]
    variables[LAKE_TABLES_VAR] = lake_tables
    return [*args, "--target", SPARK_TARGET, "--vars", json.dumps(variables, sort_keys=True)]


@contextmanager
def dbt_on_engine(warehouse, manifest_path: Path) -> Iterator[Callable[[list[str]], list[str]]]:
    """Around one dbt invocation, with the warehouse lock held by the caller: yields what turns
    the dbt arguments into this engine's. On Spark, the lake is synced first, and the built
    tables are attached as views after (also after a failed build: what was built is read)."""
    if not on_spark():
        yield list
        return
    from .lake import sync_lake
    from .marts import attach_spark_tables
    from .spark import dbt_environment

    lake = get_settings().lake_dir
    with warehouse.connect() as con:
        lake_tables = sync_lake(con, lake)
    with environment_overridden(dbt_environment()):
        yield lambda args: spark_build_args(args, lake_tables)
    with warehouse.connect() as con:
        attach_spark_tables(con, manifest_path, lake)
