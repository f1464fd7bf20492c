"""Disclosure control at publication: one policy, applied to every table the publish step writes.

The policy (which cells are withheld) is computed once, by dbt, in `marts.disclosure_withheld_cells`
(primary small-number suppression and secondary suppression; README "Disclosure control"). This
module applies it: `disclose(con, source, name)` returns the SQL the publish step copies instead
of `source`, with every figure of a withheld cell set to null and `is_suppressed` true.

`REGISTRY` says, for every published table, which of its columns carry a cell's figures and
which do not. Publication fails (safe by default) on a table it does not know, and on a column of
a known table that it does not classify: a new figure cannot reach BI tools unseen.

SPC tables: limits are computed on true values (spc/), but a withheld point publishes no value,
no limits of its own (an attribute chart's limits give away its denominator) and no
classification (which side of a limit it fell); a centre line resting only on withheld points is
withheld too, the summary's special-cause counts count published points only, and a signal at a
withheld point is not published.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import dagster as dg
import duckdb

from ..spc.attribute import EVENT_CHARTS

from ..improvement.tables import ANNOTATIONS, IMPACT_POINTS, PROPOSALS, PUBLISHED_IMPACT, relation
from ..spc.impact import INTERVENTION_KEY
from .judged import JudgedTable, judged_withheld
from .register_tables import REGISTER_TABLES

WITHHELD_CELLS = "marts.disclosure_withheld_cells"
EXPOSED_GROUPS = "intermediate.int_disclosure_exposed_groups"
SUPPRESSED_FLAG = "is_suppressed"
NULL_REASON = "null_reason"
SUPPRESSED_REASON = "suppressed"
# the policy's rule for a row left out of publication altogether (the only value of a breakdown
# of the trust's own figure), as marts.disclosure_withheld_cells writes it
UNPUBLISHED_RULE = "unpublished"
# the cell key of a unit's own figure (not a breakdown), as the dbt model writes it
UNIT_TOTAL = "''"
# the policy's dbt models (by name, as their relations above): the publish asset depends on them
POLICY_MODELS = tuple(relation.split(".")[1] for relation in (WITHHELD_CELLS, EXPOSED_GROUPS))
CENTRE_LINE = ("mean", "lpl", "upl")


@dataclass(frozen=True)
class CellTable:
    """A table whose rows are cells (measure_id, level, unit_code, a period column and, for a
    breakdown, its type and value columns)."""
    values: tuple[str, ...]  # a withheld cell's figures: set to null
    public: tuple[str, ...]  # keys, names, targets... (no figure of the cell)
    period: str = "period"
    breakdown: tuple[str, str] | None = None
    chart: str | None = None  # "points" / "summary": SPC centre-line rules apply
    drop_withheld: bool = False  # a row that exists only because of its value is left out
    event_charts: bool = False  # holds event-chart rows: left out where a month is withheld


@dataclass(frozen=True)
class FlaggedTable:
    """A dbt model that joined the withheld cells itself (its key is derived, e.g. a Staff
    Survey theme row); the rows it flagged `is_suppressed` have `values` nulled here again."""
    values: tuple[str, ...]
    public: tuple[str, ...]


@dataclass(frozen=True)
class WideTable:
    """One row per unit with `<measure>_value`, `<measure>_period`, `<measure>_change` per
    catalogue measure: each measure's value and change are withheld with its cell."""
    public: tuple[str, ...]
    value_suffixes: tuple[str, ...] = ("_value", "_change")
    period_suffix: str = "_period"
    # the latest period's staleness (is it overdue, how old): about the delivery, not the cell
    public_suffixes: tuple[str, ...] = ("_is_stale", "_age_days")


@dataclass(frozen=True)
class PublicTable:
    """Carries no figure of a measure cell (dimensions, check and load summaries)."""


_SCORECARD_PUBLIC = ("measure_id", "measure_name", "domain", "level", "unit_code", "unit_name",
                     "period", "frequency", "unit", "target", "direction", "chart_type",
                     SUPPRESSED_FLAG, NULL_REASON,
                     # maturity (issue 14): when the period's value is complete, not the value
                     "is_provisional", "provisional_reason", "matures_on", "data_as_of")
_SIGNAL_PUBLIC = ("measure_id", "level", "unit_code", "period", "detected_run_id",
                  "detected_at", "is_baseline", SUPPRESSED_FLAG, "chart_type", "event_number")
_SIGNAL_VALUES = ("value", "special_cause_type", "point_type")

REGISTRY: dict[str, CellTable | FlaggedTable | WideTable | PublicTable | JudgedTable] = {
    "scorecard_monthly": CellTable(
        values=("numerator", "denominator", "value", "responses"), public=_SCORECARD_PUBLIC),
    "scorecard_breakdowns": CellTable(
        values=("numerator", "denominator", "value", "responses"),
        public=("measure_id", "measure_name", "level", "unit_code", "period", "breakdown_type",
                "breakdown_value", "target", SUPPRESSED_FLAG, NULL_REASON),
        breakdown=("breakdown_type", "breakdown_value")),
    "scorecard_latest": WideTable(public=("level", "unit_code", "unit_name")),
    "staff_survey_themes": FlaggedTable(
        values=("score", "responses"),
        public=("survey_year", "period", "breakdown_type", "breakdown_code", "theme_code",
                "theme_name", "measure_id", "benchmark_best", "benchmark_average",
                "benchmark_worst", SUPPRESSED_FLAG, NULL_REASON)),
    "spc_points": CellTable(
        values=("value", "lpl", "upl", "special_cause_type", "special_cause_flag",
                "point_type"),
        public=("measure_id", "level", "unit_code", "chart_type", "period", "mean", "target",
                "rebase_group", "short_group_warning", "improvement_direction",
                SUPPRESSED_FLAG, "is_provisional", "provisional_reason", "event_number"),
        chart="points", event_charts=True),
    "spc_summary": CellTable(
        values=("latest_value", "lpl", "upl", "variation_icon", "last_event_date",
                "days_since_last_event"),
        public=("measure_id", "level", "unit_code", "chart_type", "direction", "n_points",
                "latest_period", "mean", "target", "assurance_icon", "special_cause_improvement",
                "special_cause_concern", "short_group_warning", SUPPRESSED_FLAG,
                "provisional_periods", "provisional_from"),
        period="latest_period", chart="summary", event_charts=True),
    # a signal row says a point crossed a limit or ran long: at a withheld point that bounds its
    # value, so the row is not published at all
    "spc_signals": CellTable(values=_SIGNAL_VALUES, public=_SIGNAL_PUBLIC, drop_withheld=True,
                             event_charts=True),
    "spc_signal_history": CellTable(values=_SIGNAL_VALUES, public=_SIGNAL_PUBLIC,
                                    drop_withheld=True, event_charts=True),
    "dim_measure": PublicTable(),
    "dim_csu": PublicTable(),
    "dim_date": PublicTable(),
    "check_summary": PublicTable(),
    "data_quality": PublicTable(),
    # per measure and night: ratings and evidence (counts of rows, files, checks, units)
    "measure_data_quality": PublicTable(),
    # the improvement register's judgements (publish/judged.py): a verdict resting on a
    # withheld cell publishes no mean, limit, effect or signal period; markers are the
    # register's own dates and codes
    PUBLISHED_IMPACT[1]: JudgedTable(
        values=("baseline_mean", "baseline_lpl", "baseline_upl", "post_mean", "effect",
                "relative_effect", "first_signal_period", "rebase_proposed_from"),
        public=(*INTERVENTION_KEY, "intervention_date", "baseline_points", "post_points",
                "verdict", SUPPRESSED_FLAG),
        key=tuple(INTERVENTION_KEY), points=relation(IMPACT_POINTS)),
    PROPOSALS[1]: JudgedTable(
        values=("proposed_from",),
        public=(*INTERVENTION_KEY, "intervention_date", "verdict", "basis", "reason",
                "is_confirmed", SUPPRESSED_FLAG),
        key=tuple(INTERVENTION_KEY), points=relation(IMPACT_POINTS), drop_withheld=True),
    ANNOTATIONS[1]: PublicTable(),
    # the improvement register's own codes, dates and counts, no free text (register_tables.py)
    **{name: PublicTable() for name in REGISTER_TABLES},
}


class DisclosureError(dg.Failure):
    """Publication refused: the disclosure policy cannot be applied safely."""

    def __init__(self, description: str):
        super().__init__(description=f"Publication refused: {description} The previous "
                                     "publication is unchanged.", allow_retries=False)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def columns(con: duckdb.DuckDBPyConnection, source: str) -> list[str]:
    return [d[0] for d in con.execute(f"select * from {source} limit 0").description]


def _withheld_join(alias: str, period: str, breakdown: tuple[str, str] | None,
                   measure_id: str = "measure_id", cells: str = "withheld") -> str:
    bt, bv = (f"{alias}.{_q(c)}" for c in breakdown) if breakdown else (UNIT_TOTAL, UNIT_TOTAL)
    return (f"left join {WITHHELD_CELLS} as {cells} "
            f"on {cells}.measure_id = {measure_id} and {cells}.level = {alias}.level "
            f"and {cells}.unit_code = {alias}.unit_code and {cells}.period = {alias}.{_q(period)} "
            f"and {cells}.breakdown_type = {bt} and {cells}.breakdown_value = {bv}")


def _check_columns(name: str, present: Sequence[str], known: Sequence[str]) -> None:
    unknown = [c for c in present if c not in known]
    if unknown:
        raise DisclosureError(
            f"published.{name} has column(s) {', '.join(unknown)} that the disclosure registry "
            "(dagster_project/publish/disclosure.py REGISTRY) does not classify as a figure to "
            "withhold or as public.")


def _select(present: Sequence[str], withheld: str, nulled: Sequence[str],
            overrides: dict[str, str] | None = None) -> str:
    """The select list: `nulled` columns null when `withheld` (a SQL condition) holds; the
    suppression flag and null reason set; `overrides` replace other columns' expressions."""
    overrides = overrides or {}
    out = []
    for c in present:
        col = f"t.{_q(c)}"
        if c in overrides:
            expr = overrides[c]
        elif c in nulled:
            expr = f"case when {withheld} then null else {col} end"
        elif c == SUPPRESSED_FLAG:
            expr = f"(coalesce({col}, false) or {withheld})"
        elif c == NULL_REASON:
            expr = f"case when {withheld} then '{SUPPRESSED_REASON}' else {col} end"
        else:
            expr = col
        out.append(f"{expr} as {_q(c)}")
    if SUPPRESSED_FLAG not in present:
        out.append(f"{withheld} as {SUPPRESSED_FLAG}")
    return ", ".join(out)


def _chart_groups(points_source: str) -> str:
    """Per SPC chart and rebase group: points with a value, and those of them published, and the
    special causes among the published ones."""
    return f"""
        select p.measure_id, p.level, p.unit_code, p.chart_type, p.rebase_group,
               count(p.value) as valued,
               count(p.value) filter (where withheld.measure_id is null) as valued_published,
               count(*) filter (where withheld.measure_id is null
                                and p.point_type = 'special_cause_improvement')
                   as special_cause_improvement,
               count(*) filter (where withheld.measure_id is null
                                and p.point_type = 'special_cause_concern') as special_cause_concern
        from {points_source} as p
        {_withheld_join('p', 'period', None, 'p.measure_id')}
        group by p.measure_id, p.level, p.unit_code, p.chart_type, p.rebase_group"""


_CHART_KEY = ("measure_id", "level", "unit_code", "chart_type")


def _event_chart_rule(spec: CellTable, present: Sequence[str]) -> str:
    """SQL true for a row that may be published as far as event charts go. An event chart (g:
    one point per event, at its date) lists a unit's events, so it gives away every monthly count
    of the measure there: it is published only for a unit none of whose months (unit totals) is
    withheld, and otherwise left out whole (points, summary, signals), never thinned, since the
    gaps, the event numbers and the limits (from the mean gap) would give the count back."""
    if not spec.event_charts or "chart_type" not in present:  # no event chart in it
        return "true"
    kinds = ", ".join(f"'{c}'" for c in EVENT_CHARTS)
    return (f"not (t.chart_type in ({kinds}) and exists (select 1 from {WITHHELD_CELLS} as w "
            "where w.measure_id = t.measure_id and w.level = t.level "
            f"and w.unit_code = t.unit_code and w.breakdown_type = {UNIT_TOTAL}))")


def _chart_sql(spec: CellTable, source: str, present: Sequence[str],
               points_source: str) -> str:
    on = " and ".join(f"g.{k} = t.{k}" for k in _CHART_KEY)
    hidden_centre = "(g.valued > 0 and g.valued_published = 0)"
    overrides = {}
    if spec.chart == "points":
        join = f"left join groups as g on {on} and g.rebase_group = t.rebase_group"
    else:  # summary: the chart's latest rebase group
        join = (f"left join (select * from groups qualify rebase_group = "
                f"max(rebase_group) over (partition by {', '.join(_CHART_KEY)})) as g on {on}")
        overrides = {c: f"coalesce(g.{c}, t.{_q(c)})"
                     for c in ("special_cause_improvement", "special_cause_concern")
                     if c in present}
    withheld = "(withheld.measure_id is not null)"
    for c in CENTRE_LINE:
        if c in present:
            inner = f"case when {withheld} then null else t.{_q(c)} end" \
                if c in spec.values else f"t.{_q(c)}"
            overrides[c] = f"case when {hidden_centre} then null else {inner} end"
    return (f"(with groups as ({_chart_groups(points_source)}) "
            f"select {_select(present, withheld, spec.values, overrides)} "
            f"from {source} as t {_withheld_join('t', spec.period, spec.breakdown, 't.measure_id')}"
            f" {join} where {_event_chart_rule(spec, present)})")


def _wide_sql(spec: WideTable, source: str, present: Sequence[str]) -> str:
    prefixes = sorted({c[:-len(spec.period_suffix)] for c in present
                       if c.endswith(spec.period_suffix)})
    known = set(spec.public) | {p + s for p in prefixes
                                for s in (*spec.value_suffixes, spec.period_suffix,
                                          *spec.public_suffixes)}
    _check_columns("scorecard_latest", present, sorted(known))
    overrides, joins, flags = {}, [], []
    for i, prefix in enumerate(prefixes):
        cells = f"withheld_{i}"
        measure = "upper('" + prefix.replace("'", "''") + "')"
        joins.append(_withheld_join("t", prefix + spec.period_suffix, None, measure, cells))
        flags.append(f"{cells}.measure_id is not null")
        for suffix in spec.value_suffixes:
            col = prefix + suffix
            if col in present:
                overrides[col] = (f"case when {cells}.measure_id is not null then null "
                                  f"else t.{_q(col)} end")
    select = ", ".join(f"{overrides.get(c, 't.' + _q(c))} as {_q(c)}" for c in present)
    return f"(select {select} from {source} as t {' '.join(joins)})"


def disclose(con: duckdb.DuckDBPyConnection, source: str, name: str,
             sources: dict[str, str] | None = None) -> str:
    """The SQL to publish as `published.<name>` in place of `source`: the disclosure policy
    applied. `sources` maps published names to their sources (the SPC summary reads the points).
    Raises DisclosureError for a table or column the registry does not know."""
    spec = REGISTRY.get(name)
    if spec is None:
        raise DisclosureError(
            f"published.{name} is not in the disclosure registry (dagster_project/publish/"
            "disclosure.py REGISTRY): say which of its columns carry figures to withhold.")
    if isinstance(spec, PublicTable):
        return source
    present = columns(con, source)
    if isinstance(spec, WideTable):
        return _wide_sql(spec, source, present)
    _check_columns(name, present, (*spec.values, *spec.public))
    if isinstance(spec, JudgedTable):
        join, withheld = judged_withheld(spec, "t", WITHHELD_CELLS, UNIT_TOTAL)
        where = f" where not {withheld}" if spec.drop_withheld else ""
        return (f"(select {_select(present, withheld, spec.values)} from {source} as t "
                f"{join}{where})")
    if isinstance(spec, CellTable):
        key = ("measure_id", "level", "unit_code", spec.period, *(spec.breakdown or ()))
        missing = [c for c in key if c not in present]
        if missing:
            raise DisclosureError(f"published.{name} lacks its cell key column(s) "
                                  f"{', '.join(missing)}: its withheld cells cannot be found.")
    if isinstance(spec, FlaggedTable):
        flag = f"coalesce(t.{SUPPRESSED_FLAG}, false)"
        return f"(select {_select(present, flag, spec.values)} from {source} as t)"
    if spec.chart:
        points = (sources or {}).get("spc_points", source)
        return _chart_sql(spec, source, present, points)
    withheld = "(withheld.measure_id is not null)"
    where = (f" where not {withheld}" if spec.drop_withheld
             else f" where coalesce(withheld.rule, '') <> '{UNPUBLISHED_RULE}'")
    where += f" and {_event_chart_rule(spec, present)}"
    return (f"(select {_select(present, withheld, spec.values)} from {source} as t "
            f"{_withheld_join('t', spec.period, spec.breakdown, 't.measure_id')}{where})")


def require_policy(con: duckdb.DuckDBPyConnection) -> int:
    """The policy must exist and have converged (no set of cells from which a withheld figure
    could be derived by subtraction). Returns the number of withheld cells."""
    try:
        withheld = con.execute(f"select count(*) from {WITHHELD_CELLS}").fetchall()[0][0]
        exposed = con.execute(f"select count(*) from {EXPOSED_GROUPS}").fetchall()[0][0]
    except duckdb.CatalogException:
        raise DisclosureError(
            f"the disclosure policy ({WITHHELD_CELLS}, {EXPOSED_GROUPS}) has not been built "
            "(did dbt run?).") from None
    if exposed:
        raise DisclosureError(
            f"secondary suppression did not converge: {exposed} set(s) of cells would let a "
            f"withheld figure be derived by subtraction ({EXPOSED_GROUPS}); raise the number "
            "of rounds in marts.disclosure_withheld_cells.")
    return withheld


def disclose_all(con: duckdb.DuckDBPyConnection,
                 tables: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """Every (source, published name) with the disclosure policy applied: the one place the
    policy meets what is published."""
    require_policy(con)
    sources = {name: source for source, name in tables}
    return [(disclose(con, source, name, sources), name) for source, name in tables]
