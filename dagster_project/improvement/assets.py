"""The impact asset: judge every QI project and every adoption of its spread on the SPC series
of the measures it links, and write the verdicts and the SPC annotations that follow.

It runs between two dbt selections: it reads the scorecard's series before the measures that
are computed from verdicts (intermediate.int_scorecard_values_before_verdicts) and the
register's marts, and M11 (int_measure_values_qi_outcomes, a dbt model reading this asset
through the source `improvement_verdicts`) enters fct_scorecard_monthly after it. Dagster splits
the one dbt multi-asset around it, so a night runs dbt before and after this step.

Tables written, in one transaction:
- marts.fct_qi_impact: the verdicts, exactly the spec's columns;
- marts.fct_qi_impact_points: which periods each verdict rests on (baseline or post);
- spc.qi_impact: the verdicts as published (the publish step publishes schema spc);
- spc.spc_annotations: intervention and adoption dates on the linked charts;
- spc.spc_rebase_proposals: the rebase proposals, confirmed when the rebase seed holds them.
"""

import dagster as dg
import duckdb
import polars as pl

from ..resources import DUCKDB_WRITER_POOL, WarehouseResource
from ..retries import TRANSIENT_RETRY_POLICY, transient_only
from ..spc.impact import judge_with_points
from ..transform.keys import built_when_first_asked, dbt_asset_key, dbt_relation
from .annotations import markers, rebase_proposals
from .interventions import interventions
from .tables import (
    ANNOTATIONS, CHANGES, IMPACT, IMPACT_POINTS, INPUTS, LINKS, LOCAL_SERIES, PROJECTS,
    PROPOSALS, PUBLISHED_IMPACT, REBASE_SEED, SCORECARD_SERIES, SPREAD, relation,
)

OUTPUTS = {
    IMPACT: "One impact verdict per QI project x linked measure x unit (scope project) and per "
            "adopting unit of its spread (scope spread), by the register's rules.",
    IMPACT_POINTS: "Every period each impact verdict rests on, baseline or post.",
    PUBLISHED_IMPACT: "The impact verdicts as published (disclosure policy applied at "
                      "publication).",
    ANNOTATIONS: "Intervention (adopted change) and adoption (spread) dates on the SPC charts "
                 "of the linked measures and units.",
    PROPOSALS: "Rebase proposals from the impact verdicts, with their reason; confirmed when "
               "the rebase seed holds the same chart and date. Never applied by themselves.",
}


def read_inputs(con: duckdb.DuckDBPyConnection) -> dict[str, pl.DataFrame]:
    def read(sql: str) -> pl.DataFrame:
        return con.sql(sql).pl()

    links = read(f"select project_id, measure_id, role, level, unit_code "
                 f"from {dbt_relation(LINKS)}")
    return {
        "links": links,
        "projects": read(f"select project_id, intervention_date from {dbt_relation(PROJECTS)}"),
        "changes": read(f"select project_id, cast(cycle_no as bigint) cycle_no, "
                        f"implemented_date, is_adopted from {dbt_relation(CHANGES)}"),
        "spread": read(f"select project_id, csu_code, location_code, adopted_date "
                       f"from {dbt_relation(SPREAD)}"),
        "series": pl.concat([
            read(f"""select measure_id, level, unit_code, period, value, direction, frequency
                     from {dbt_relation(SCORECARD_SERIES)}
                     where measure_id in (select measure_id from {dbt_relation(LINKS)})"""),
            read(f"""select measure_code as measure_id, 'project' as level,
                            project_id as unit_code, period, cast(value as double) as value,
                            direction, frequency
                     from {dbt_relation(LOCAL_SERIES)}"""),
        ], how="vertical_relaxed"),
        # As text: a bad seed row is the SPC step's to report (by line); here it confirms nothing.
        "rebase_dates": read(f"""select measure_id, level, unit_code,
                                        try_cast(cast(rebase_date as varchar) as date) rebase_date
                                 from {dbt_relation(REBASE_SEED)}""").drop_nulls("rebase_date"),
    }


def impact_tables(inputs: dict[str, pl.DataFrame]) -> dict[tuple[str, str], pl.DataFrame]:
    """Every output table, from the inputs read_inputs returns."""
    judged = interventions(inputs["links"], inputs["projects"], inputs["spread"])
    verdicts, points = judge_with_points(inputs["series"], judged)
    impact = verdicts.drop("rebase_basis")
    return {
        IMPACT: impact,
        IMPACT_POINTS: points,
        PUBLISHED_IMPACT: impact,
        ANNOTATIONS: markers(inputs["changes"], inputs["spread"], inputs["links"]),
        PROPOSALS: rebase_proposals(verdicts, inputs["rebase_dates"]),
    }


def write_tables(con: duckdb.DuckDBPyConnection,
                 tables: dict[tuple[str, str], pl.DataFrame]) -> None:
    """Replace every table at once: a reader sees all of this night's tables or none."""
    for schema in {schema for schema, _ in tables}:
        con.execute(f"create schema if not exists {schema}")
    con.execute("begin transaction")
    try:
        for i, (table, frame) in enumerate(tables.items()):
            con.register(f"impact_frame_{i}", frame.to_arrow())
            con.execute(f"create or replace table {relation(table)} as "
                        f"select * from impact_frame_{i}")
            con.unregister(f"impact_frame_{i}")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def build_impact_verdicts() -> dg.AssetsDefinition:
    """The impact multi-asset; its upstream keys come from dbt (transform/keys.py)."""
    deps = [dbt_asset_key(name) for name in INPUTS]

    @dg.multi_asset(
        specs=[dg.AssetSpec(list(table), group_name="improvement", kinds={"polars", "duckdb"},
                            deps=deps, description=description)
               for table, description in OUTPUTS.items()],
        pool=DUCKDB_WRITER_POOL,
        retry_policy=TRANSIENT_RETRY_POLICY,
        name="impact_verdicts",
    )
    @transient_only("impact verdicts")
    def impact_verdicts(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        yield from judge_and_write(context, warehouse)

    return impact_verdicts


# `impact_verdicts` is built when the definitions load, not at import: its upstream keys come from
# the dbt manifest.
__getattr__ = built_when_first_asked(__name__, "impact_verdicts", build_impact_verdicts)


def judge_and_write(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Read the inputs, judge, write every table in one transaction; yield one materialisation
    per output."""
    with warehouse.connect() as con:
        tables = impact_tables(read_inputs(con))
        write_tables(con, tables)
    verdicts = tables[IMPACT]
    by_verdict = dict(verdicts.group_by("verdict").len().sort("verdict").iter_rows())
    context.log.info(f"judged {verdicts.height} project and spread series: {by_verdict}")
    for table, frame in tables.items():
        metadata = {"dagster/row_count": frame.height}
        if table == IMPACT:
            metadata["verdicts"] = dg.MetadataValue.json(by_verdict)
        yield dg.MaterializeResult(asset_key=list(table), metadata=metadata)
