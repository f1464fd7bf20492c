"""The SPC assets: chart every measure × level × unit of the scorecard and write schema `spc`.

Chart choice comes from the measure catalogue. XmR charts (the Making Data Count default) give
the full rule set; attribute charts (p, p′, u, u′, c, g) give qicharts2 limits, and their points
are labelled with the same vocabulary (Above UCL / Below LCL / Common Cause) so one table serves
every chart. Rebase dates come from the `spc_rebase_dates` seed and apply to every chart type:
an XmR chart gets a new rebase group, an attribute or run chart a new part (qicharts2's `part`).
A chart is keyed by the columns measure_id, level and unit_code, never by one joined string.
"""


from datetime import datetime, timezone
from functools import cache

import dagster as dg
import duckdb
import polars as pl

from ..resources import DUCKDB_WRITER_POOL, WarehouseResource
from ..retries import TRANSIENT_RETRY_POLICY, transient_only
from ..transform.keys import dbt_asset_key, dbt_relation
from . import attribute_chart, xmr
from .attribute import EVENT_CHARTS
from .icons import assurance_type, variation_icon
from .labels import label_points
from .provisional import hold_back, judged, provisional_counts, with_provisional
from .rebase_dates import RebaseDatesError, checked_rebase_dates
from .tables import POINTS, SIGNAL_HISTORY, SIGNALS, SPC_SCHEMA, SPC_TABLES, SUMMARY
from .xmr import SHORT_GROUP

CHART_KEYS = ["measure_id", "level", "unit_code"]
# A chart: a unit's series of a measure has a chart of its periods and, for a rare-event measure,
# a chart of the time between its events (catalogue event_chart_type) beside it.
CHART_ID = [*CHART_KEYS, "chart_type"]
ATTRIBUTE_CHARTS = {"p", "pp", "u", "up", "c", "g"}
ORGANISATION_LEVEL = "organisation"
# A run chart has no limits; MDC charts such a measure as XmR once it has 12 points.
RUN_CHART_MIN_POINTS = 12

POINT_COLUMNS = {
    "measure_id": pl.String, "level": pl.String, "unit_code": pl.String,
    "chart_type": pl.String, "period": pl.Date, "value": pl.Float64, "mean": pl.Float64,
    "lpl": pl.Float64, "upl": pl.Float64, "target": pl.Float64, "rebase_group": pl.Int64,
    "short_group_warning": pl.Boolean, "special_cause_type": pl.String,
    "special_cause_flag": pl.Boolean, "point_type": pl.String,
    "improvement_direction": pl.String,
}
# An event chart's point also has its event's position in the unit's sequence (two events may
# share a day); a period's point has none.
EVENT_POINT_COLUMNS = {**POINT_COLUMNS, "event_number": pl.Int64}


def catalogue_chart_type(level: pl.Expr) -> pl.Expr:
    """The catalogue's chart for a series' level: `organisation_chart_type` at organisation
    level, `chart_type` below it (the catalogue, not code, says which chart each level gets)."""
    return (pl.when(level == ORGANISATION_LEVEL).then(pl.col("organisation_chart_type"))
            .otherwise(pl.col("chart_type")))


def effective_chart_type(chart_type: pl.Expr, n_points: pl.Expr) -> pl.Expr:
    """The chart a series actually gets: the catalogue's chart for its level, except that a
    run-chart measure becomes XmR once it has 12 points (data-driven, as MDC does)."""
    return (
        pl.when(chart_type == "run")
        .then(pl.when(n_points >= RUN_CHART_MIN_POINTS).then(pl.lit("xmr")).otherwise(pl.lit("run")))
        .otherwise(chart_type)
    )


def _present(mapping: dict, series: pl.DataFrame) -> dict | None:
    """The part of a chart-key mapping whose charts are in `series` (the engine refuses others)."""
    keys = set(series.select(CHART_KEYS).unique().iter_rows())
    return {k: v for k, v in mapping.items() if k in keys} or None


def _xmr_points(series: pl.DataFrame, rebase: dict, targets: dict) -> pl.DataFrame:
    """XmR for every chart, one engine call per improvement direction."""
    points = []
    for direction, part in series.group_by("direction", maintain_order=True):
        chart = xmr(
            part.select(*CHART_KEYS, "period", "value"),
            value="value", date="period", facet=CHART_KEYS,
            improvement_direction=direction[0],
            target=_present(targets, part),
            rebase=_present(rebase, part),
        )
        points.append(chart.unnest("facet").rename({"date": "period"}))
    return pl.concat(points, how="diagonal_relaxed")


def _parts_as_rebase_groups(chart: pl.DataFrame) -> pl.DataFrame:
    """qicharts2 numbers parts from 1; a rebase group counts the rebase dates passed."""
    return chart.with_columns(
        period=pl.col("date"),
        rebase_group=(pl.col("part") - 1).cast(pl.Int64),
        short_group_warning=pl.len().over(*CHART_KEYS, "part") < SHORT_GROUP,
        improvement_direction=pl.col("direction"),
    )


def _attribute_points(series: pl.DataFrame, chart_type: str, rebase: dict) -> pl.DataFrame:
    """qicharts2 limits per part (a rebase date starts a part), labelled by the Making Data
    Count rules so the report reads one table."""
    chart = attribute_chart(
        series.select(*CHART_KEYS, "period", "numerator", "denominator"),
        chart=chart_type, value="numerator", date="period",
        denominator=None if chart_type in {"c", "g"} else "denominator",
        facet=CHART_KEYS, rebase=_present(rebase, series),
    ).unnest("facet")
    meta = series.select(*CHART_KEYS, pl.col("period").alias("date"), "direction", "multiplier")
    chart = (
        chart.join(meta, on=[*CHART_KEYS, "date"], how="left", maintain_order="left")
        .with_columns(pl.col(c) * pl.col("multiplier").fill_null(1.0)
                      for c in ("value", "cl", "lcl", "ucl"))
    )
    labelled = [
        label_points(part, direction[0], by=[*CHART_KEYS, "part"])
        for direction, part in chart.group_by("direction", maintain_order=True)
    ]
    return _parts_as_rebase_groups(pl.concat(labelled).sort(*CHART_KEYS, "date")).with_columns(
        mean=pl.col("cl"), lpl=pl.col("lcl"), upl=pl.col("ucl"),
    )


def _run_points(series: pl.DataFrame, rebase: dict) -> pl.DataFrame:
    """Too few points for limits: the median of each part as centre line, no special causes."""
    chart = attribute_chart(
        series.select(*CHART_KEYS, "period", "value"), chart="run", value="value",
        date="period", facet=CHART_KEYS, rebase=_present(rebase, series),
    ).unnest("facet")
    meta = series.select(*CHART_KEYS, pl.col("period").alias("date"), "direction")
    return _parts_as_rebase_groups(
        chart.join(meta, on=[*CHART_KEYS, "date"], how="left", maintain_order="left")
    ).with_columns(
        mean=pl.col("cl"), lpl=pl.lit(None, pl.Float64), upl=pl.lit(None, pl.Float64),
        short_group_warning=pl.lit(True),
        special_cause_type=pl.lit("Common Cause"), special_cause_flag=pl.lit(False),
        point_type=pl.lit("common_cause"),
    )


def chart_scorecard(
    scorecard: pl.DataFrame, catalogue: pl.DataFrame, rebase_dates: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Chart every series of the scorecard. Returns (points, summary), one summary row a chart.

    `scorecard`: measure_id, level, unit_code, period, numerator, denominator, value, target.
    `catalogue`: measure_id, direction, chart_type, organisation_chart_type, multiplier.
    `rebase_dates`: measure_id, level, unit_code, rebase_date (a date), checked beforehand.
    A chart is keyed by the columns measure_id, level and unit_code, never by a joined string.
    """
    series = (
        scorecard.join(catalogue.select("measure_id", "direction", "chart_type",
                                        "organisation_chart_type", "multiplier"),
                       on="measure_id", how="inner")
        .with_columns(chart_type=catalogue_chart_type(pl.col("level")))
        .drop("organisation_chart_type")
        .filter(pl.col("chart_type") != "none")
        .sort(*CHART_KEYS, "period")
    )
    n_points = series.group_by(CHART_KEYS).agg(n=pl.col("value").is_not_null().sum())
    series = series.join(n_points, on=CHART_KEYS, maintain_order="left").with_columns(
        chart_type=effective_chart_type(pl.col("chart_type"), pl.col("n"))
    ).filter(pl.col("n") > 0)
    targets = {
        tuple(row[:-1]): row[-1]
        for row in series.filter(pl.col("target").is_not_null())
        .group_by(CHART_KEYS).agg(pl.col("target").last()).iter_rows()
    }
    rebase = {
        tuple(row[:-1]): list(row[-1])
        for row in rebase_dates.group_by(CHART_KEYS).agg(pl.col("rebase_date")).iter_rows()
    }

    frames = []
    xmr_series = series.filter(pl.col("chart_type") == "xmr")
    if xmr_series.height:
        xmr_pts = _xmr_points(
            xmr_series.select(*CHART_KEYS, "period", "value", "direction"), rebase, targets)
        frames.append(xmr_pts.with_columns(chart_type=pl.lit("xmr")))
    for chart_type in sorted(ATTRIBUTE_CHARTS):
        part = series.filter(pl.col("chart_type") == chart_type)
        if part.height:
            frames.append(_attribute_points(part, chart_type, rebase).with_columns(
                chart_type=pl.lit(chart_type)))
    run_part = series.filter(pl.col("chart_type") == "run")
    if run_part.height:
        frames.append(_run_points(run_part, rebase).with_columns(chart_type=pl.lit("run")))

    if not frames:
        empty = pl.DataFrame(schema=POINT_COLUMNS)
        return empty, summarise_points(empty)
    points = (
        pl.concat([f.select([c for c in POINT_COLUMNS if c in f.columns]) for f in frames],
                  how="diagonal_relaxed")
        .drop("target", strict=False)
        .join(series.select(*CHART_KEYS, "period", "target"), on=[*CHART_KEYS, "period"],
              how="left")
        .select(list(POINT_COLUMNS))
        .cast(POINT_COLUMNS)
        .sort(CHART_KEYS + ["period"])
    )
    return points, summarise_points(points)


def chart_with_provisional(
    scorecard: pl.DataFrame, catalogue: pl.DataFrame, rebase_dates: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`chart_scorecard` on the mature periods only (spc/provisional.py): provisional ones
    (`is_provisional`) are put back on their charts afterwards, marked, unjudged. The summary
    describes the judged points (latest value, icons) and counts the provisional ones."""
    mature, provisional = hold_back(scorecard)
    points, summary = chart_scorecard(mature.drop("is_provisional", "provisional_reason"),
                                      catalogue, rebase_dates)
    points = with_provisional(points, provisional, CHART_KEYS)
    counts = provisional_counts(points, CHART_KEYS)
    summary = summary.join(counts, on=[*CHART_KEYS, "chart_type"], how="left").with_columns(
        pl.col("provisional_periods").fill_null(0))
    return points, summary


# Fewer events is better for a rare-event count, so more days between them is (and vice versa).
EVENT_CHART_DIRECTION = {"increase": "decrease", "decrease": "increase", "neutral": "neutral"}


def _event_rebase(events: pl.DataFrame, rebase_dates: pl.DataFrame) -> dict | None:
    """A rebase date starts a new part of an event chart at the first event on or after it."""
    firsts = (
        events.join(rebase_dates, on=CHART_KEYS, how="inner")
        .filter(pl.col("event_date") >= pl.col("rebase_date"))
        .group_by(*CHART_KEYS, "rebase_date").agg(pl.col("event_number").min())
        .group_by(CHART_KEYS).agg(pl.col("event_number").unique().sort())
    )
    return {tuple(row[:-1]): list(row[-1]) for row in firsts.iter_rows()} or None


def chart_event_intervals(
    intervals: pl.DataFrame, catalogue: pl.DataFrame, rebase_dates: pl.DataFrame
) -> pl.DataFrame:
    """The event charts (catalogue `event_chart_type`, g: days between events) of every unit,
    one point per event, by the engine's `attribute_chart`, labelled like every other chart.

    `intervals`: measure_id, level, unit_code, event_number, event_date,
    days_since_previous_event (marts.fct_rare_event_intervals; null for a unit's first event).
    A point's `period` is its event's date and `event_number` its place in the sequence (two
    events may share a day)."""
    kinds = catalogue.filter(pl.col("event_chart_type").is_in(EVENT_CHARTS)).select(
        "measure_id", "event_chart_type",
        direction=pl.col("direction").replace_strict(EVENT_CHART_DIRECTION))
    events = (intervals.join(kinds, on="measure_id", how="inner")
              .with_columns(pl.col("event_number").cast(pl.Int64))
              # a unit's single event has no interval yet: no chart to draw
              .filter(pl.col("days_since_previous_event").is_not_null().any().over(CHART_KEYS))
              .sort(*CHART_KEYS, "event_number"))
    frames = []
    for (chart_type,), part in events.group_by("event_chart_type", maintain_order=True):
        chart = attribute_chart(
            part.select(*CHART_KEYS, "event_number",
                        pl.col("days_since_previous_event").cast(pl.Float64)),
            chart=chart_type, value="days_since_previous_event", date="event_number",
            facet=CHART_KEYS, rebase=_event_rebase(part, rebase_dates),
        ).unnest("facet")
        meta = part.select(*CHART_KEYS, pl.col("event_number").alias("date"), "event_date",
                           "direction")
        chart = chart.join(meta, on=[*CHART_KEYS, "date"], how="left", maintain_order="left")
        labelled = pl.concat([
            label_points(rows, direction[0], by=[*CHART_KEYS, "part"])
            for direction, rows in chart.group_by("direction", maintain_order=True)
        ]).sort(*CHART_KEYS, "date")
        frames.append(_parts_as_rebase_groups(labelled).with_columns(
            period=pl.col("event_date"), event_number=pl.col("date"), chart_type=pl.lit(chart_type),
            mean=pl.col("cl"), lpl=pl.col("lcl"), upl=pl.col("ucl"),
            target=pl.lit(None, pl.Float64)))
    if not frames:
        return pl.DataFrame(schema=EVENT_POINT_COLUMNS)
    return (pl.concat([f.select(list(EVENT_POINT_COLUMNS)) for f in frames])
            .cast(EVENT_POINT_COLUMNS))


def days_since_last_event(event_points: pl.DataFrame, points: pl.DataFrame) -> pl.DataFrame:
    """Per event chart: its last event's date and the days from it to the end of the unit's
    latest period (the data's as-of date, not today, so a rerun gives the same figure)."""
    as_of = (points.filter(pl.col("event_number").is_null())
             .group_by(CHART_KEYS).agg(as_of=pl.col("period").max().dt.month_end()))
    return (
        event_points.group_by(CHART_ID).agg(last_event_date=pl.col("period").max())
        .join(as_of, on=CHART_KEYS, how="left")
        .select(*CHART_ID, "last_event_date",
                days_since_last_event=(pl.col("as_of") - pl.col("last_event_date"))
                .dt.total_days().cast(pl.Int64))
    )


def with_event_charts(
    points: pl.DataFrame, summary: pl.DataFrame, intervals: pl.DataFrame,
    catalogue: pl.DataFrame, rebase_dates: pl.DataFrame,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The period charts' points and summary with the event charts added beside them; every
    summary row gets `last_event_date` and `days_since_last_event` (null but on event charts)."""
    events = chart_event_intervals(intervals, catalogue, rebase_dates)
    points = points.with_columns(event_number=pl.lit(None, pl.Int64))  # points of periods
    if "is_provisional" in points.columns:  # an event is complete once it is recorded
        events = events.with_columns(is_provisional=pl.lit(False))
    event_summary = summarise_points(events).join(
        days_since_last_event(events, points), on=CHART_ID, how="left")
    summary = pl.concat([summary, event_summary], how="diagonal_relaxed").with_columns(
        pl.col("last_event_date").cast(pl.Date), pl.col("days_since_last_event").cast(pl.Int64))
    return (pl.concat([points, events], how="diagonal_relaxed"), summary.sort(CHART_ID))


def summarise_points(points: pl.DataFrame) -> pl.DataFrame:
    """One row per chart: the latest rebase group's limits, the icons and the signal counts."""
    latest_group = points.filter(
        pl.col("rebase_group") == pl.col("rebase_group").max().over(CHART_ID)
    )
    return (
        latest_group.sort("period", maintain_order=True)  # events come in their order
        .group_by(CHART_ID, maintain_order=True)
        .agg(
            direction=pl.col("improvement_direction").last(),
            n_points=pl.col("value").is_not_null().sum().cast(pl.Int64),
            latest_period=pl.col("period").filter(pl.col("value").is_not_null()).last(),
            latest_value=pl.col("value").filter(pl.col("value").is_not_null()).last(),
            mean=pl.col("mean").last(),
            lpl=pl.col("lpl").last(),
            upl=pl.col("upl").last(),
            target=pl.col("target").last(),
            latest_point_type=pl.col("point_type").last(),
            special_cause_improvement=(pl.col("point_type") == "special_cause_improvement")
            .sum().cast(pl.Int64),
            special_cause_concern=(pl.col("point_type") == "special_cause_concern")
            .sum().cast(pl.Int64),
            short_group_warning=pl.col("short_group_warning").last(),
        )
        .with_columns(
            variation_icon=variation_icon(pl.col("latest_point_type"), pl.col("direction")),
            # A chart with no target has no assurance, as when xmr is given no target.
            assurance_icon=assurance_type(pl.col("direction"), pl.col("target").is_not_null()),
        )
        .drop("latest_point_type")
        .sort(CHART_ID)
    )


def detect_new_signals(
    points: pl.DataFrame, history: pl.DataFrame, run_id: str, now: datetime
) -> pl.DataFrame:
    """Special causes not seen in any earlier run, to append to the signal history.

    With no history yet, every special cause is recorded but only each chart's latest period
    counts as news (`is_baseline` false): a first run would otherwise report years of old
    special causes as this morning's list."""
    # A point is its chart (CHART_ID), its period and, on an event chart, its event number.
    point = [*CHART_ID, "period", "event_number"]
    if "event_number" not in points.columns:  # only charts of periods
        points = points.with_columns(event_number=pl.lit(None, pl.Int64))
    flagged = points.filter(pl.col("special_cause_flag"))
    ordered = points.sort(*CHART_ID, "period", "event_number", nulls_last=False)
    latest = ordered.group_by(CHART_ID).agg(
        latest=pl.struct("period", "event_number").last())
    if history.height:
        flagged = flagged.join(
            history.select(*point, "special_cause_type"),
            on=[*point, "special_cause_type"], how="anti", nulls_equal=True,
        )
    first_run = history.height == 0
    return flagged.join(latest, on=CHART_ID).select(
        *CHART_KEYS, "period", "special_cause_type", "point_type", "value",
        detected_run_id=pl.lit(run_id), detected_at=pl.lit(now),
        is_baseline=pl.lit(first_run)
        & pl.struct("period", "event_number").ne_missing(pl.col("latest")),
        chart_type=pl.col("chart_type"), event_number=pl.col("event_number"),
    )


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


@cache
def _spc_tables() -> dg.AssetsDefinition:
    return build_spc_tables()


def __getattr__(name: str):
    # `spc_tables` is built when first asked for (the definitions load), not at import: its
    # upstream keys come from the dbt manifest.
    if name == "spc_tables":
        return _spc_tables()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
