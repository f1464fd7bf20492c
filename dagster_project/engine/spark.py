"""The Spark session, configured in one place and started only when asked for.

`spark_conf()` is the whole configuration: the master (`SPARK_MASTER`, `local[*]` by default, a
cluster by its URL), the tables' warehouse folder and the metastore under `LAKE_DIR`, UTC, no UI.
dbt's own session (dbt-spark's `session` method, a subprocess) gets the same configuration through
`PYSPARK_SUBMIT_ARGS` (`dbt_environment()`), so both see the same tables. pyspark is imported
only inside `spark_session()`: a DuckDB run never pays for it.

The metastore is an embedded Derby database, which one JVM opens at a time: a session from here
is stopped (`spark_session` is a context manager) before dbt's starts.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..settings import get_settings

SPARK_WAREHOUSE_FOLDER = "spark-warehouse"
METASTORE_FOLDER = "metastore_db"
APP_NAME = "nhs-improvement-pipeline"
LOOPBACK = "127.0.0.1"


def is_local(master: str) -> bool:
    """`local`, `local[4]`, `local[*]`: a session inside this machine's JVM, no cluster."""
    return master.startswith("local")


def spark_warehouse_dir(lake_dir: Path | None = None) -> Path:
    """Where Spark keeps its managed tables: `<lake>/spark-warehouse/<schema>.db/<table>/`."""
    return (lake_dir or get_settings().lake_dir) / SPARK_WAREHOUSE_FOLDER


def spark_conf() -> dict[str, str]:
    """Every Spark setting the pipeline makes, for dbt's session and for `spark_session()`."""
    settings = get_settings()
    lake = settings.lake_dir
    conf = {
        "spark.master": settings.spark_master,
        "spark.app.name": APP_NAME,
        # Spark writes its tables at the lake's URL; this machine reads them at LAKE_DIR
        "spark.sql.warehouse.dir": f"{settings.lake_url}/{SPARK_WAREHOUSE_FOLDER}",
        # the embedded metastore (table names -> folders) lives in the lake, not in the cwd
        # (`spark.hadoop.` so that spark-submit passes it on to Hive)
        "spark.hadoop.javax.jdo.option.ConnectionURL":
            f"jdbc:derby:;databaseName={lake / METASTORE_FOLDER};create=true",
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={lake}",
        # dates and timestamps mean the same on both engines
        "spark.sql.session.timeZone": "UTC",
        # no web UI port, no network at run time
        "spark.ui.enabled": "false",
        # no console progress bar (spark-submit turns it on for a `pyspark-shell`): it is
        # redrawn with carriage returns for a terminal, and dbt's output is a log
        "spark.ui.showConsoleProgress": "false",
        # dbt-spark's own default (ANSI off: integer division and casts as the models expect)
        "spark.sql.ansi.enabled": "false",
        "spark.sql.shuffle.partitions": str(settings.spark_shuffle_partitions),
        # a partitioned table's partitions are its folders, listed when it is read, not rows
        # in the metastore: a delivery landed in the lake is seen without registering it
        "spark.sql.hive.manageFilesourcePartitions": "false",
        "spark.sql.codegen.wholeStage": str(settings.spark_codegen).lower(),
    }
    if settings.spark_driver_memory:
        conf["spark.driver.memory"] = settings.spark_driver_memory
    if is_local(settings.spark_master):
        # one machine, no network: the driver binds to the loopback interface
        conf["spark.driver.host"] = LOOPBACK
        conf["spark.driver.bindAddress"] = LOOPBACK
    return conf


def submit_args(conf: dict[str, str] | None = None) -> str:
    """`PYSPARK_SUBMIT_ARGS` carrying `conf`: how a session started by someone else (dbt-spark)
    gets this configuration."""
    conf = spark_conf() if conf is None else conf
    parts = ["--master", conf["spark.master"]]
    for key, value in conf.items():
        if key != "spark.master":
            parts += ["--conf", f"{key}={value}"]
    return " ".join(shlex.quote(p) for p in parts) + " pyspark-shell"


def dbt_environment() -> dict[str, str]:
    """What dbt's process needs in its environment to start the same session: the variables
    the profile's `spark` output reads (absolute LAKE_DIR: dbt runs in its project folder),
    and the rest of `spark_conf()` through PYSPARK_SUBMIT_ARGS."""
    settings = get_settings()
    settings.lake_dir.mkdir(parents=True, exist_ok=True)
    env = {"PYSPARK_SUBMIT_ARGS": submit_args(), "LAKE_DIR": str(settings.lake_dir),
           "LAKE_URL": settings.lake_url,
           "SPARK_MASTER": settings.spark_master,
           "SPARK_SHUFFLE_PARTITIONS": str(settings.spark_shuffle_partitions),
           "SPARK_CODEGEN": str(settings.spark_codegen).lower()}
    if is_local(settings.spark_master):
        env["SPARK_LOCAL_IP"] = LOOPBACK  # no lookup of this machine's network address
    return env


@contextmanager
def spark_session() -> Iterator[object]:
    """A Spark session with `spark_conf()`, stopped on exit (the metastore is one JVM's at a
    time). pyspark is imported here, never at module import."""
    from pyspark.sql import SparkSession

    get_settings().lake_dir.mkdir(parents=True, exist_ok=True)
    builder = SparkSession.builder.enableHiveSupport()
    for key, value in spark_conf().items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    try:
        yield session
    finally:
        session.stop()
