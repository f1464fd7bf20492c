"""The BI database `<PUBLISH_DIR>/published.duckdb`: only the published tables, in a storage
version DuckDB 1.x opens, swapped atomically so a BI client holding it open never blocks a run."""

import json
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from .publish_fixtures import TABLES, InjectedCrash, build_marts, handmade_tables, record

from dagster_project.publish.assets import build_publish_asset
from dagster_project.publish.bi_database import BI_DATABASE, storage_version
from dagster_project.publish.publish import (
    VERSIONS_DIR, current_version, publish, reconcile)
from dagster_project.resources import WarehouseResource
from dagster_project.settings import PROJECT_ROOT

# `make setup-test` installs the oldest DuckDB 1.x here (see the Makefile).
DUCKDB_1X_PYTHON = PROJECT_ROOT / ".tools" / "duckdb1" / "bin" / "python"

# A BI client: opens the file read-only, prints what it sees, and keeps that connection open,
# printing again from it for each `held` line it is sent.
CLIENT = r"""
import json, sys, duckdb
path = sys.argv[1]
held = duckdb.connect(path, read_only=True)
def read(con):
    tables = [r[0] for r in con.execute(
        "select table_name from information_schema.tables order by 1").fetchall()]
    value = con.execute("select max(value) from scorecard_monthly "
                        "where unit_code = 'C1' and measure_id = 'Q02'").fetchall()[0][0]
    return {"tables": tables, "value": value}
print(json.dumps({"version": duckdb.__version__, **read(held)}), flush=True)
for line in sys.stdin:
    if line.strip() == "held":
        print(json.dumps(read(held)), flush=True)
"""


def bi_tables(path: Path) -> dict[str, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {f"{schema}.{name}": con.execute(f'select count(*) from {schema}."{name}"')
                .fetchall()[0][0]
                for schema, name in con.execute(
                    "select table_schema, table_name from information_schema.tables "
                    "order by 1, 2").fetchall()}
    finally:
        con.close()


def test_holds_the_published_tables_and_nothing_else(wh, tmp_path):
    out = tmp_path / "published"
    result = publish(wh, out, "r1", TABLES)
    assert bi_tables(out / BI_DATABASE) == {f"main.{name}": rows
                                            for name, rows in result.tables.items()}
    # the warehouse behind it has raw-level schemas the BI file must not carry
    assert {"marts", "spc", "quality"} <= {r[0] for r in wh.execute(
        "select schema_name from information_schema.schemata").fetchall()}
    manifest = json.loads((out / "current" / "_publication.json").read_text())
    assert manifest["bi_database"] == {"path": BI_DATABASE, "storage_version": "v1.0.0"}


def test_storage_version_is_the_1x_format(wh, tmp_path):
    out = tmp_path / "published"
    publish(wh, out, "r1", TABLES)
    assert storage_version(out / BI_DATABASE) == "v1.0.0+"
    # the warehouse itself is in DuckDB 2.0's format, which no 1.x client can open
    assert wh.execute("select tags['storage_version'] from duckdb_databases() "
                      "where database_name = current_database()").fetchall()[0][0] \
        == "v2.0.0+"


@pytest.mark.skipif(not DUCKDB_1X_PYTHON.exists(),
                    reason=f"no DuckDB 1.x client at {DUCKDB_1X_PYTHON}: `make setup-test` "
                           "installs it (it needs the package registry once)")
def test_a_duckdb_1x_client_opens_it(wh, tmp_path):
    out = tmp_path / "published"
    result = publish(wh, out, "r1", TABLES)
    seen = subprocess.run([str(DUCKDB_1X_PYTHON), "-c", CLIENT, str(out / BI_DATABASE)],
                          input="", capture_output=True, text=True, check=True)
    first = json.loads(seen.stdout.splitlines()[0])
    assert first["version"].startswith("1.")
    assert first["tables"] == sorted(result.tables)
    assert first["value"] == pytest.approx(0.05)


SCORECARD = dg.AssetKey(["marts", "fct_scorecard_monthly"])
DATA = {"q02_c1_june": 0.05}


@dg.asset(key=SCORECARD)
def fake_dbt(warehouse: WarehouseResource) -> None:
    """Stands in for dbt build: marts and publish_candidate views from DATA."""
    with warehouse.connect() as con:
        build_marts(con, **DATA)
        if DATA["q02_c1_june"] != 0.05:  # the second night publishes one more table
            con.execute("create or replace view publish_candidate.dim_date as select 1 as x")


def run_publication(tmp_path, q02_c1_june: float) -> dg.ExecuteInProcessResult:
    DATA["q02_c1_june"] = q02_c1_june
    def tables():  # the second night publishes one more table
        extra = [] if DATA["q02_c1_june"] == 0.05 else [("publish_candidate.dim_date", "dim_date")]
        return handmade_tables(*extra)

    asset = build_publish_asset(deps=[SCORECARD], tables=tables)
    return dg.materialize([fake_dbt, asset], resources={
        "warehouse": WarehouseResource(path=str(tmp_path / "wh.duckdb"))})


def test_a_client_holding_it_open_neither_blocks_nor_is_blocked_by_a_publication(
        tmp_path, monkeypatch):
    out = tmp_path / "published"
    monkeypatch.setenv("PUBLISH_DIR", str(out))
    assert run_publication(tmp_path, 0.05).success
    client = subprocess.Popen([sys.executable, "-c", CLIENT, str(out / BI_DATABASE)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        before = json.loads(client.stdout.readline())
        assert before["value"] == pytest.approx(0.05) and "dim_date" not in before["tables"]

        # a whole publication while the client holds its connection open
        assert run_publication(tmp_path, 0.07).success

        client.stdin.write("held\n")
        client.stdin.flush()
        held = json.loads(client.stdout.readline())
        assert held == {"tables": before["tables"], "value": before["value"]}  # its snapshot
        # a new client (DuckDB reuses a file a process already has open, so: a new process)
        seen = subprocess.run([sys.executable, "-c", CLIENT, str(out / BI_DATABASE)],
                              input="", capture_output=True, text=True, check=True)
        fresh = json.loads(seen.stdout.splitlines()[0])
        assert fresh["value"] == pytest.approx(0.07) and "dim_date" in fresh["tables"]
    finally:
        client.stdin.close()
        assert client.wait() == 0


def test_a_crash_before_the_swap_is_reconciled(wh, tmp_path, inject_crash):
    out = tmp_path / "published"
    publish(wh, out, "r1", TABLES)
    build_marts(wh, q02_c1_june=0.07)
    inject_crash("switch")
    with pytest.raises(InjectedCrash):
        publish(wh, out, "r2", TABLES)
    value = ("select max(value) from scorecard_monthly "
             "where unit_code = 'C1' and measure_id = 'Q02'")
    assert duckdb.connect(str(out / BI_DATABASE), read_only=True) \
        .execute(value).fetchall()[0][0] == pytest.approx(0.05)
    switched = reconcile(out, wh)
    assert switched == current_version(out)
    assert duckdb.connect(str(out / BI_DATABASE), read_only=True) \
        .execute(value).fetchall()[0][0] == pytest.approx(0.07)
    assert (out / VERSIONS_DIR / switched / BI_DATABASE).samefile(out / BI_DATABASE)


def test_a_refused_publication_leaves_the_bi_database_untouched(wh, tmp_path):
    out = tmp_path / "published"
    publish(wh, out, "r1", TABLES)
    before = (out / BI_DATABASE).read_bytes()
    build_marts(wh, q02_c1_june=5.0)
    record(wh, "r2", "ERROR", False)
    with pytest.raises(dg.Failure):
        publish(wh, out, "r2", TABLES)
    assert (out / BI_DATABASE).read_bytes() == before
