"""The SPC asset: read the scorecard marts, chart every measure × level × unit of the scorecard
(scorecard.py, events.py) and write schema `spc` in one transaction (the IO only).

Chart choice comes from the measure catalogue. XmR charts (the Making Data Count default) give
the full rule set; attribute charts (p, p′, u, u′, c, g) give qicharts2 limits, and their points
are labelled with the same vocabulary (Above UCL / Below LCL / Common Cause) so one table serves
every chart. Rebase dates come from the `spc_rebase_dates` seed and apply to every chart type:
an XmR chart gets a new rebase group, an attribute or run chart a new part (qicharts2's `part`).
A chart is keyed by the columns measure_id, level and unit_code, never by one joined string.
"""


from datetime import datetime, timezone
import dagster as dg
import duckdb
import polars as pl

from ..resources import DUCKDB_WRITER_POOL, WarehouseResource
from ..retries import TRANSIENT_RETRY_POLICY, transient_only
from ..transform.keys import built_when_first_asked, dbt_asset_key, dbt_relation
from .attribute import EVENT_CHARTS
from .events import with_event_charts
from .provisional import judged
from .rebase_dates import RebaseDatesError, checked_rebase_dates
from .scorecard import chart_with_provisional
from .signals import detect_new_signals
from .tables import POINTS, SIGNAL_HISTORY, SIGNALS, SPC_SCHEMA, SPC_TABLES, SUMMARY


def _read(con: duckdb.DuckDBPyConnection, sql: str) -> pl.DataFrame:
    return con.sql(sql).pl()


HISTORY = f"{SPC_SCHEMA}.{SIGNAL_HISTORY}"
SIGNAL_HISTORY_DDL = f"""
create table if not exists {HISTORY} (
    measure_id varchar, level varchar, unit_code varchar, period date,
    special_cause_type varchar, point_type varchar, value double,
    detected_run_id varchar, detected_at timestamp, is_baseline boolean,
    chart_type varchar, event_number bigint
)
"""
# A history written before charts were keyed by chart type gains the columns; its rows belong
# to the (then only) chart of periods of their measure, level and unit.
SIGNAL_HISTORY_MIGRATION = (
    f"alter table {HISTORY} add column if not exists chart_type varchar",
    f"alter table {HISTORY} add column if not exists event_number bigint",
)
SIGNAL_HISTORY_BACKFILL = f"""
update {HISTORY} as h set chart_type = s.chart_type
from summary_df as s
where h.chart_type is null and s.measure_id = h.measure_id and s.level = h.level
  and s.unit_code = h.unit_code
  and s.chart_type not in ({", ".join(repr(c) for c in EVENT_CHARTS)})
"""


# The dbt models and seed the SPC step reads (keys and relations from the dbt manifest).
SCORECARD_MODEL = "fct_scorecard_monthly"
CATALOGUE_MODEL = "dim_measure"
INTERVALS_MODEL = "fct_rare_event_intervals"
REBASE_SEED = "spc_rebase_dates"
INPUTS = (SCORECARD_MODEL, INTERVALS_MODEL, CATALOGUE_MODEL, REBASE_SEED)
DESCRIPTIONS = {
    POINTS: "One row per point of every SPC chart: value, limits, rule fired, point type.",
    SUMMARY: "One row per chart: latest value, mean, limits, variation and assurance icons.",
    SIGNALS: "Special causes new since the previous run: the morning list.",
}


def build_spc_tables() -> dg.AssetsDefinition:
    """The SPC multi-asset; its upstream keys come from dbt (transform/keys.py)."""
    deps = [dbt_asset_key(model) for model in INPUTS]

    @dg.multi_asset(
        specs=[dg.AssetSpec([SPC_SCHEMA, table], group_name="spc", kinds={"polars", "duckdb"},
                            deps=deps, description=DESCRIPTIONS[table])
               for table in SPC_TABLES],
        pool=DUCKDB_WRITER_POOL,
        retry_policy=TRANSIENT_RETRY_POLICY,
        name="spc_tables",
    )
    @transient_only("spc tables")
    def spc_tables(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        yield from write_spc_tables(context, warehouse)

    return spc_tables


def write_spc_tables(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Read the marts, chart them, write schema `spc` in one transaction; yield one
    materialisation per output."""
    scorecard_rel, catalogue_rel, intervals_rel, seed_rel = (
        dbt_relation(m) for m in (SCORECARD_MODEL, CATALOGUE_MODEL, INTERVALS_MODEL, REBASE_SEED))
    with warehouse.connect() as con:
        scorecard = _read(con, f"""
            select measure_id, level, unit_code, period, cast(numerator as double) numerator,
                   cast(denominator as double) denominator, value, target,
                   is_provisional, provisional_reason
            from {scorecard_rel}""")
        catalogue = _read(con, f"""
            select measure_id, direction, chart_type, organisation_chart_type, event_chart_type,
                   cast(multiplier as double) multiplier
            from {catalogue_rel}""")
        intervals = _read(con, f"""
            select measure_id, level, unit_code, event_number, event_date,
                   days_since_previous_event
            from {intervals_rel}""")
        # As text and in file order: a bad row is reported by its line, not as a cast error.
        seed_rows = _read(con, f"""
            select measure_id, level, unit_code, cast(rebase_date as varchar) rebase_date
            from {seed_rel}""")
        try:
            rebase_dates = checked_rebase_dates(
                seed_rows, catalogue["measure_id"],
                scorecard.select("level", "unit_code").unique())
        except RebaseDatesError as exc:
            # Deterministic: a retry would read the same seed.
            raise dg.Failure(description=str(exc), allow_retries=False) from exc
        points, summary = chart_with_provisional(scorecard, catalogue, rebase_dates)
        points, summary = with_event_charts(points, summary, intervals, catalogue, rebase_dates)

        con.execute(f"create schema if not exists {SPC_SCHEMA}")
        con.execute(SIGNAL_HISTORY_DDL)
        for statement in SIGNAL_HISTORY_MIGRATION:
            con.execute(statement)
        con.register("summary_df", summary.to_arrow())
        con.execute(SIGNAL_HISTORY_BACKFILL)
        history = _read(con, f"select * from {HISTORY}")
        new = detect_new_signals(judged(points), history, context.run_id, datetime.now(timezone.utc)
                                 .replace(tzinfo=None))
        con.execute("begin transaction")
        try:
            con.register("points_df", points.to_arrow())
            con.register("summary_df", summary.to_arrow())
            con.register("new_df", new.to_arrow())
            con.execute(f"create or replace table {SPC_SCHEMA}.{POINTS} as select * from points_df")
            con.execute(f"create or replace table {SPC_SCHEMA}.{SUMMARY} as select * from summary_df")
            con.execute(f"insert into {HISTORY} by name select * from new_df")
            # The morning list: the special causes from the latest run that found any.
            con.execute(f"""
                create or replace table {SPC_SCHEMA}.{SIGNALS} as
                select measure_id, level, unit_code, chart_type, period, event_number,
                       special_cause_type, point_type, value, detected_run_id, detected_at
                from {HISTORY}
                where not is_baseline and detected_run_id = (
                    select detected_run_id from {HISTORY} where not is_baseline
                    order by detected_at desc, detected_run_id desc limit 1)
                order by measure_id, level, unit_code, chart_type, period, event_number""")
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        signals = con.execute(f"select count(*) from {SPC_SCHEMA}.{SIGNALS}").fetchall()[0][0]
    yield dg.MaterializeResult(asset_key=[SPC_SCHEMA, POINTS], metadata={
        "points": points.height,
        "charts_by_type": dg.MetadataValue.json(
            dict(summary.group_by("chart_type").len().iter_rows())),
    })
    yield dg.MaterializeResult(asset_key=[SPC_SCHEMA, SUMMARY], metadata={
        "charts": summary.height,
    })
    yield dg.MaterializeResult(asset_key=[SPC_SCHEMA, SIGNALS], metadata={
        "new_special_causes": new.height,
        "rows": signals,
    })


# `spc_tables` is built when the definitions load, not at import: its upstream keys come from
# the dbt manifest.
__getattr__ = built_when_first_asked(__name__, "spc_tables", build_spc_tables)
