"""Render the pages (board summary, one per measure, one per CSU) and each chart's SVG."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from jinja2 import DictLoader, Environment, StrictUndefined
from markupsafe import Markup

from . import register_templates, templates
from .chart_series import natural_range
from .charts import ChartData, chart_data, spc_chart
from .data import ORGANISATION
from .formatting import (
    DIRECTION_LABELS,
    MISSING,
    UNIT_LABELS,
    format_datetime,
    format_period,
    format_rule,
    format_value,
    frequency_label,
    is_number,
    to_date,
)
from .icons import VARIATION_SHORT, assurance_icon, variation_icon
from .model import Chart, Measure, ReportModel, Unit
from .quality_mark import evidence_rows, mark_svg, stale_note
from .sparkline import sparkline

STALE_AFTER_DAYS = 35


def environment() -> Environment:
    """Every page template, each compiled once when first used (a project page is one of
    dozens: compiling its template each time was a third of the report's time)."""
    env = Environment(
        loader=DictLoader({"base": templates.BASE, "index": templates.INDEX,
                           "measure": templates.MEASURE, "csu": templates.CSU,
                           "portfolio": register_templates.PORTFOLIO,
                           "project": register_templates.PROJECT}),
        autoescape=True, undefined=StrictUndefined, trim_blocks=False, keep_trailing_newline=True,
    )
    env.globals["vicon"] = lambda code, size=30: Markup(variation_icon(code, size))
    env.globals["aicon"] = lambda code, size=30: Markup(assurance_icon(code, size))
    return env


def chart_title(chart: Chart) -> str:
    return f"{chart.measure.measure_id} {chart.measure.name}"


def chart_subtitle(chart: Chart) -> str:
    kind = "run of values, no SPC" if chart.no_spc_reason else f"{chart.chart_type} chart"
    period = format_period(chart.summary.get("latest_period"), chart.measure.frequency)
    return f"{chart.unit.name} · {kind} · latest {period} · " \
           f"{DIRECTION_LABELS.get(chart.measure.direction, '')}"


def _icon_text(chart: Chart) -> str:
    if chart.no_spc_reason:
        return ""
    v = VARIATION_SHORT.get(chart.variation_icon or "", "not assessed")
    a = {"consistent_pass": "consistently passes the target",
         "consistent_fail": "consistently fails the target",
         "inconsistent": "hit and miss against the target"}.get(chart.assurance_icon or "",
                                                                  "no assurance (no target)")
    return f"Variation: {v}. Assurance: {a}."


def chart_svg(chart: Chart, size: str) -> str:
    """`file` (standalone, for board papers), `page` (large), `medium` or `small`."""
    m = chart.measure
    data = dict(unit=m.unit, frequency=m.frequency, no_spc_reason=chart.no_spc_reason,
                withheld_reason=m.withheld_reason,
                natural_range=natural_range(m.unit, chart.chart_type))
    if not isinstance(chart.drawing, ChartData):
        chart.drawing = chart_data(chart.points, **data)
    common = dict(data, alt_title=f"{chart_title(chart)}: {chart.unit.name}",
                  extra_description=_icon_text(chart), markers=chart.markers,
                  data=chart.drawing)
    if size == "file":
        return spc_chart(chart.points, chart_id=chart.chart_id, title=chart_title(chart),
                         subtitle=chart_subtitle(chart), width=900, height=380, legend=True,
                         **common)
    if size == "page":
        return spc_chart(chart.points, chart_id=chart.chart_id, width=1180, height=360,
                         legend=True, **common)
    if size == "medium":
        return spc_chart(chart.points, chart_id=chart.chart_id, width=600, height=230,
                         **common)
    return spc_chart(chart.points, chart_id=chart.chart_id, width=320, height=150, compact=True,
                     **common)


def _icons(chart: Chart | None, size: int = 34) -> Markup:
    if chart is None or chart.no_spc_reason:
        return Markup(variation_icon(None, size) + assurance_icon(None, size))
    return Markup(variation_icon(chart.variation_icon, size)
                  + assurance_icon(chart.assurance_icon, size))


@dataclass
class PageContext:
    generated: str
    org_label: str
    data_to: str


def page_context(model: ReportModel, generated_at: datetime) -> PageContext:
    org_charts = [c for c in model.charts if c.level == ORGANISATION]
    periods = [c.summary.get("latest_period") for c in org_charts
               if c.summary.get("latest_period") is not None]
    data_to = format_period(max(periods)) if periods else ""
    org = model.organisation.name if model.organisation else "Organisation"
    return PageContext(generated=generated_at.strftime("%d %b %Y %H:%M"), org_label=org,
                       data_to=data_to)


def _wrap(env: Environment, ctx: PageContext, *, title: str, root: str, active: str,
          content: str) -> str:
    return env.get_template("base").render(
        page_title=title, root=root, active=active, content=Markup(content), css=Markup(
            templates.CSS), generated=ctx.generated, org_label=ctx.org_label,
        data_to=ctx.data_to)


def _chart_kinds(charts: list[Chart]) -> str:
    """The charts actually drawn, by level ("XmR (organisation), u (CSUs)"): the catalogue's
    CSU chart is not what the organisation's page shows, so the page names what it draws."""
    kinds: dict[str, list[str]] = {}
    for c in charts:
        label = "XmR" if c.chart_type == "xmr" else c.chart_type
        where = "organisation" if c.level == ORGANISATION else "CSUs"
        if where not in kinds.setdefault(label, []):
            kinds[label].append(where)
    return ", ".join(f"{label} ({' and '.join(where)})" for label, where in kinds.items())


def _facts(m: Measure, charts: list[Chart]) -> str:
    parts = [f"unit: {UNIT_LABELS.get(m.unit, m.unit or 'value')}",
             DIRECTION_LABELS.get(m.direction, m.direction)]
    if is_number(m.default_target):
        parts.append(f"default target {format_value(m.default_target, m.unit)}")
    if charts:
        parts.append(f"charts: {_chart_kinds(charts)}")
    if m.frequency:
        parts.append(frequency_label(m.frequency))
    return " · ".join(parts)


def days_since_last_event(chart: Chart | None) -> str:
    """A rare-event measure's 'days since the last event', from its published event chart."""
    days = chart.summary.get("days_since_last_event") if chart is not None else None
    if not is_number(days):
        return ""
    last = to_date(chart.summary.get("last_event_date"))
    when = f" ({last.day} {last:%b %Y})" if last else ""
    return f"{int(days)} day{'s' if days != 1 else ''} since the last event{when}"


def summary_row(model: ReportModel, m: Measure) -> dict:
    chart = model.chart_for(m.measure_id, ORGANISATION,
                            model.organisation.code) if model.organisation else None
    events = model.event_chart_for(m.measure_id, ORGANISATION,
                                   model.organisation.code) if model.organisation else None
    if chart is None:
        return {**_maturity(m, None),
                "measure": m, "period": MISSING, "latest": MISSING, "target": MISSING,
                "days_since": days_since_last_event(events),
                "mean": MISSING, "lpl": MISSING, "upl": MISSING, "variation": None,
                "assurance": None, "variation_svg": Markup(variation_icon(None, 34)),
                "assurance_svg": Markup(assurance_icon(None, 34)), "sparkline": "",
                "note": "No organisation-level data published"}
    spc = not chart.no_spc_reason
    return {
        **_maturity(m, chart),
        "measure": m,
        "days_since": days_since_last_event(events),
        "period": format_period(chart.summary.get("latest_period"), m.frequency),
        "latest": chart.fmt("latest_value"), "target": chart.fmt("target"),
        "mean": chart.fmt("mean") if spc else MISSING,
        "lpl": chart.fmt("lpl") if spc else MISSING,
        "upl": chart.fmt("upl") if spc else MISSING,
        "variation": chart.variation_icon if spc else None,
        "assurance": chart.assurance_icon if spc else None,
        "variation_svg": Markup(variation_icon(chart.variation_icon if spc else None, 34)),
        "assurance_svg": Markup(assurance_icon(chart.assurance_icon if spc else None, 34)),
        "sparkline": Markup(sparkline(chart.points, unit=m.unit, frequency=m.frequency,
                                      label=f"{m.name} trend")),
        "note": (f"No SPC chart ({frequency_label(m.frequency)} survey): "
                 f"{chart.target_comparison or 'compared with target'}") if not spc else (
            "Trial limits: fewer than 13 points" if chart.summary.get("short_group_warning")
            else ""),
    }


def provisional_note(chart: Chart | None, frequency: str | None) -> str:
    """'Jun 2025 onwards provisional: not yet complete, not judged' or ''."""
    n = (chart.summary.get("provisional_periods") or 0) if chart else 0
    if not n:
        return ""
    start = format_period(chart.summary.get("provisional_from"), frequency)  # type: ignore[union-attr]
    return (f"{start}{' onwards' if n > 1 else ''} provisional: not yet complete, "
            "drawn hollow, not judged")


def _maturity(m: Measure, chart: Chart | None) -> dict:
    """The measure's data-quality mark, staleness and provisional note for a summary row."""
    return {"dq_mark": Markup(mark_svg(m.quality)), "stale": stale_note(m.staleness),
            "provisional": provisional_note(chart, m.frequency)}


def _signal_row(s: dict) -> dict:
    m: Measure | None = s.get("measure")
    unit = m.unit if m else None
    kind = str(s.get("point_type") or "")
    word = ("improvement" if "improvement" in kind else "concern" if "concern" in kind
            else "neutral" if "neutral" in kind else "common")
    return {**s, "period_text": format_period(s.get("period"), m.frequency if m else None),
            "value_text": format_value(s.get("value"), unit),
            "rule": format_rule(s.get("special_cause_type")), "kind": word,
            "kind_text": {"improvement": "Improvement", "concern": "Concern",
                          "neutral": "Neutral", "common": "Common cause"}[word]}


def _count(value: object) -> str:
    return f"{int(value):,}" if is_number(value) else MISSING


def render_index(env: Environment, model: ReportModel, ctx: PageContext) -> str:
    domains = [(d, label, [summary_row(model, m) for m in ms])
               for d, label, ms in model.measures_by_domain()]
    rows = [r for _, _, rs in domains for r in rs]
    checks = []
    for c in model.checks:
        status = str(c.get("status") or "").lower()
        rate = c.get("pass_rate_30d")
        checks.append({**c, "status_class": status if status in ("pass", "warn", "fail")
                       else "warn", "status_text": status or "unknown",
                       "checks": _count(c.get("checks")),
                       "checks_failed": _count(c.get("checks_failed")),
                       "blocking_failed": _count(c.get("blocking_failed")),
                       "pass_rate": format_value(rate, "percent") if is_number(rate) else MISSING,
                       "last_checked": format_datetime(c.get("last_checked_at"))})
    extracts = []
    for e in model.data_quality:
        age = e.get("age_days")
        extracts.append({**e, "files_loaded": _count(e.get("files_loaded")),
                         "files_rejected": _count(e.get("files_rejected")),
                         "rows_loaded": _count(e.get("rows_loaded")),
                         "rows_quarantined": _count(e.get("rows_quarantined")),
                         "quarantined_n": is_number(e.get("rows_quarantined"))
                         and e["rows_quarantined"] > 0,
                         "latest": format_datetime(e.get("latest_extract_date")),
                         "age": MISSING if age is None else f"{age} day{'s' if age != 1 else ''}",
                         "stale": age is not None and age > STALE_AFTER_DAYS})
    csus = []
    for u in model.csus:
        charts = model.charts_for_unit("csu", u.code)
        csus.append({"unit": u, "charts": len(charts),
                     "improvement": sum(1 for c in charts
                                        if (c.variation_icon or "").startswith("improvement")),
                     "concern": sum(1 for c in charts
                                    if (c.variation_icon or "").startswith("concern"))})
    signals = [_signal_row(s) for s in model.signals]
    csu_signals = [s for s in signals if s["level"] != ORGANISATION]
    detected = [s.get("detected_at") for s in model.signals if s.get("detected_at")]
    tiles = {
        "improvement": sum(1 for r in rows if (r["variation"] or "").startswith("improvement")),
        "concern": sum(1 for r in rows if (r["variation"] or "").startswith("concern")),
        "pass": sum(1 for r in rows if r["assurance"] == "consistent_pass"),
        "fail": sum(1 for r in rows if r["assurance"] == "consistent_fail"),
        "signals": len(model.signals),
        "checks_failing": sum(1 for c in checks if c["status_class"] != "pass"),
    }
    content = env.get_template("index").render(
        dq_rows=[r for r in rows if r["measure"].quality or r["stale"]],
        n_measures=len(model.measures), domains=domains, tiles=tiles, notes=model.notes,
        signals=signals, org_signals=[s for s in signals if s["level"] == ORGANISATION],
        csu_signals=csu_signals,
        csu_counts={k: sum(1 for s in csu_signals if s["kind"] == k)
                    for k in ("improvement", "concern", "neutral")},
        detected_at=format_datetime(max(detected)) if detected else "",
        csus=csus, checks=checks, extracts=extracts,
        checks_attention=[c for c in checks if c["status_class"] != "pass"],
        checks_passing=[c for c in checks if c["status_class"] == "pass"])
    return _wrap(env, ctx, title="Board summary", root="", active="summary", content=content)


def render_measure(env: Environment, model: ReportModel, m: Measure, ctx: PageContext,
                   svgs: dict[str, str]) -> str:
    charts = model.charts_for_measure(m.measure_id)
    org = next((c for c in charts if c.level == ORGANISATION and c.primary), None)
    extras = [{"title": f"{c.chart_type} chart", "stem": c.stem, "svg": Markup(svgs[c.stem])}
              for c in charts if c.level == ORGANISATION and not c.primary]
    cards = []
    for c in charts:
        if c.level == ORGANISATION or not c.primary:
            continue
        cards.append({"chart": c, "latest": c.fmt("latest_value"),
                      "period": format_period(c.summary.get("latest_period"), m.frequency),
                      "icons": _icons(c, 28), "svg": Markup(chart_svg(c, "small"))})
    org_stats = {}
    if org is not None:
        org_stats = {"period": format_period(org.summary.get("latest_period"), m.frequency),
                     "latest": org.fmt("latest_value"), "target": org.fmt("target"),
                     "mean": org.fmt("mean"), "lpl": org.fmt("lpl"), "upl": org.fmt("upl")}
    content = env.get_template("measure").render(
        **_maturity(m, org), dq_rows=evidence_rows(m.quality),
        dq_assessed=format_datetime((m.quality or {}).get("assessed_on")),
        m=m, facts=_facts(m, charts), org=org, org_stats=org_stats, extras=extras, cards=cards,
        org_icons=_icons(org, 40),
        org_svg=Markup(chart_svg(org, "page")) if org is not None else "")
    return _wrap(env, ctx, title=f"{m.measure_id} {m.name}", root="../", active="measure",
                 content=content)


def render_csu(env: Environment, model: ReportModel, unit: Unit, ctx: PageContext) -> str:
    charts = model.charts_for_unit("csu", unit.code)
    domains: list[tuple[str, str, list[dict]]] = []
    for c in charts:
        m = c.measure
        if not domains or domains[-1][0] != m.domain:
            domains.append((m.domain, m.domain_label, []))
        domains[-1][2].append({"chart": c, "latest": c.fmt("latest_value"),
                               "target": c.fmt("target"),
                               "period": format_period(c.summary.get("latest_period"),
                                                       m.frequency),
                               "icons": _icons(c, 30), "svg": Markup(chart_svg(c, "medium"))})
    counts = {"improvement": sum(1 for c in charts
                                 if (c.variation_icon or "").startswith("improvement")),
              "concern": sum(1 for c in charts if (c.variation_icon or "").startswith("concern"))}
    content = env.get_template("csu").render(unit=unit, n_charts=len(charts), counts=counts,
                                             domains=domains)
    return _wrap(env, ctx, title=unit.name, root="../", active="csu", content=content)
