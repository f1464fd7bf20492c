"""A small warehouse with publication candidates, SPC tables and check history."""

from __future__ import annotations

import hashlib
import os
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from dagster_project.publish.tables import PublishedTable
from dagster_project.quality.history import CheckRecord, append_results

from ..hand_marts import write_scorecard_monthly


class InjectedCrash(RuntimeError):
    """The crash a test injects into publish() (as a killed process would stop it)."""


@pytest.fixture
def inject_crash(monkeypatch):
    """`inject_crash(n)`: the n-th table write of the next publish() raises InjectedCrash,
    counting the Parquet writes (stage_parquet) then the DuckDB writes (write_published_table),
    so n <= tables crashes while staging Parquet and n > tables inside the DuckDB transaction.
    `inject_crash("switch")`: the crash comes after the DuckDB commit, before the pointers move.
    Only the one write crashes: a later publish() or reconcile() runs normally."""
    from dagster_project.publish import publish as module

    def arm(after: int | str) -> None:
        state = {"writes": 0, "crashed": False}

        def crashing(name: str, real):
            def wrapper(*args, **kwargs):
                if not state["crashed"]:
                    if name != "switch":
                        state["writes"] += 1
                    if (name == "switch") == (after == "switch") and \
                            (name == "switch" or state["writes"] == after):
                        state["crashed"] = True
                        raise InjectedCrash(f"injected crash at {name} (write {state['writes']})")
                return real(*args, **kwargs)
            return wrapper

        for name, attr in (("parquet", "stage_parquet"), ("duckdb", "write_published_table"),
                           ("switch", "switch_current")):
            monkeypatch.setattr(module, attr, crashing(name, getattr(module, attr)))

    return arm


def build_marts(con, *, q02_c1_june: float = 0.05, c01_june: float = 0.9) -> None:
    con.execute("create schema if not exists marts")
    con.execute("create schema if not exists publish_candidate")
    con.execute("create schema if not exists spc")
    con.execute("""create or replace table marts.dim_csu as select * from (values
        ('C1', 'CSU 1', 'ZZZ'), ('C2', 'CSU 2', 'ZZZ')) t(csu_code, csu_name, org_code)""")
    con.execute("""create or replace table marts.dim_measure as select * from (values
        ('Q02', 'Moderate harm %', 'quality', 'percent', 'decrease', 'p'),
        ('C01', 'Savings vs plan', 'cost', 'percent', 'increase', 'xmr'))
        t(measure_id, measure_name, domain, unit, direction, chart_type)""")
    rows = []
    for m in range(1, 7):
        for unit, level in (("ZZZ", "organisation"), ("C1", "csu"), ("C2", "csu")):
            q02 = q02_c1_june if (unit == "C1" and m == 6) else 0.05
            c01 = c01_june if (unit == "ZZZ" and m == 6) else 0.9
            rows.append(("Q02", level, unit, date(2025, m, 1), q02 * 100, 100.0, q02, 0.05,
                         "decrease", "p", "quality", "percent", None))
            rows.append(("C01", level, unit, date(2025, m, 1), c01 * 100, 100.0, c01, 1.0,
                         "increase", "xmr", "cost", "percent", None))
    write_scorecard_monthly(con, rows)
    con.execute("create or replace view publish_candidate.scorecard_monthly as "
                "select * from marts.fct_scorecard_monthly")
    con.execute("create or replace view publish_candidate.dim_csu as select * from marts.dim_csu")
    con.execute("""create or replace table spc.spc_summary as
        select measure_id, level, unit_code, 'xmr' as chart_type, count(*) as n_points,
               max(period) as latest_period, last(value order by period) as latest_value,
               avg(value) as mean from marts.fct_scorecard_monthly group by all""")
    con.execute("""create or replace table spc.spc_points as
        select measure_id, level, unit_code, 'xmr' as chart_type, period, value,
               0 as rebase_group, 'common_cause' as point_type from marts.fct_scorecard_monthly""")
    build_disclosure_policy(con)


def build_disclosure_policy(con, withheld: list[tuple] = ()) -> None:
    """The dbt disclosure policy's tables: `withheld` (measure_id, level, unit_code, period)
    cells of units' own figures; nothing exposed."""
    con.execute("create schema if not exists intermediate")
    con.execute("""create or replace table marts.disclosure_withheld_cells (
        measure_id varchar, level varchar, unit_code varchar, period date,
        breakdown_type varchar, breakdown_value varchar, rule varchar, pass integer)""")
    for cell in withheld:
        con.execute("insert into marts.disclosure_withheld_cells "
                    "values (?, ?, ?, ?, '', '', 'primary', 0)", list(cell))
    con.execute("""create or replace table intermediate.int_disclosure_exposed_groups (
        group_id bigint, group_kind varchar)""")


def record(con, run_id: str, severity: str, passed: bool, name: str = "proportion_within_0_1"):
    append_results(con, [CheckRecord(run_id, "marts/fct_scorecard_monthly", name, "gx",
                                     severity, passed, "5.0", 1, datetime.now())])


TABLES = [("publish_candidate.scorecard_monthly", "scorecard_monthly"),
          ("publish_candidate.dim_csu", "dim_csu"),
          ("spc.spc_summary", "spc_summary"),
          ("quality.check_summary", "check_summary")]


def handmade_tables(*extra: tuple[str, str]) -> list[PublishedTable]:
    """What the publish asset publishes from this handmade warehouse (its stand-in for the
    declared list, publish/tables.py), plus `extra` (source, name) pairs."""
    return [PublishedTable(name, source, None)
            for source, name in [*TABLES, ("spc.spc_points", "spc_points"), *extra]]


def snapshot(publish_dir: Path, con: duckdb.DuckDBPyConnection) -> dict:
    """Every file's bytes (through the links), every link's target, every published table."""
    files, links = {}, {}
    for root, dirs, names in os.walk(publish_dir):
        for name in dirs + names:
            p = Path(root) / name
            rel = str(p.relative_to(publish_dir))
            if p.is_symlink():
                links[rel] = os.readlink(p)
            elif p.is_file():
                files[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    for link in links:
        target = publish_dir / link / "data.parquet"
        if target.exists():
            files[f"via:{link}"] = hashlib.sha256(target.read_bytes()).hexdigest()
    tables = {}
    for (name,) in con.execute("select table_name from information_schema.tables "
                               "where table_schema = 'published' order by 1").fetchall():
        tables[name] = con.execute(f"select * from published.{name} order by all").fetchall()
    return {"files": files, "links": links, "tables": tables}


@pytest.fixture
def wh(tmp_path):
    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    build_marts(con)
    yield con
    con.close()
