"""A page per active or recently closed QI project (improvement/<project_id>.html): its aim,
team flags, PDSA timeline, and each linked measure's chart with the intervention marked, the
baseline and post means and the verdict in plain words.

A measure's impact chart shows what the verdict rests on: the baseline points (up to 24 before
the intervention period) and every point since, the baseline limits carried across, the mean
stepping from the baseline mean to the post mean at the intervention. Values come from the
published SPC points (scorecard measures: withheld cells stay gaps) or the published local
measure values; a verdict resting on a withheld cell publishes no means or limits, so none are
drawn.
"""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

from jinja2 import Environment
from markupsafe import Markup

from .charts import spc_chart
from .formatting import MISSING, format_datetime, format_value, is_number, slug, to_date
from .markers import MARKER, Marker, period_start
from .model import Measure, ReportModel
from .palette import BLUE, GREY, LINE, ORANGE, SLATE, TEXT, WHITE
from .pages import PageContext, _wrap
from .portfolio import _label, verdict_view
from .register import Project, RegisterModel, verdict_words
from .svg import FONT, coord, text_width

DECISION_COLOURS = {"adopt": BLUE, "adapt": SLATE, "abandon": ORANGE, "ongoing": GREY}
INTERVENTION_BASIS = {"implemented": "the first adopted change became standard work",
                      "pdsa_start": "no change adopted yet: the first PDSA cycle's start",
                      "start_date": "no PDSA cycle yet: the project's start"}


def impact_points(series: list[dict], impact: dict, frequency: str | None,
                  target: object = None) -> list[dict]:
    """The points one verdict rests on, for `spc_chart`: its baseline window and every point
    since the intervention period, with the baseline limits and the mean stepping from the
    baseline mean to the post mean (none when the verdict's figures are withheld)."""
    when = to_date(impact.get("intervention_date"))
    if when is None:
        return []
    start = period_start(when, frequency)
    ordered = sorted(series, key=lambda p: str(p.get("period")))
    before = [p for p in ordered if (to_date(p.get("period")) or start) < start]
    after = [p for p in ordered if (to_date(p.get("period")) or start) >= start]
    valued = [i for i, p in enumerate(before) if is_number(p.get("value"))]
    n_base = int(impact.get("baseline_points") or 0)
    first = valued[-n_base] if n_base and len(valued) >= n_base else (valued[0] if valued else 0)
    before = before[first:]
    withheld = bool(impact.get("is_suppressed"))
    signal = to_date(impact.get("first_signal_period"))
    kind = {"improvement": "special_cause_improvement", "concern": "special_cause_concern",
            "neutral": "special_cause_neutral_high"}.get(verdict_view(impact.get("verdict"))["css"])
    out = []
    for phase, rows in (("baseline", before), ("post", after)):
        mean = None if withheld else impact.get("baseline_mean" if phase == "baseline"
                                                 else "post_mean")
        for p in rows:
            is_signal = signal is not None and to_date(p.get("period")) == signal and kind
            out.append({
                "period": p.get("period"), "value": p.get("value"),
                "is_suppressed": p.get("is_suppressed"), "mean": mean,
                "lpl": None if withheld else impact.get("baseline_lpl"),
                "upl": None if withheld else impact.get("baseline_upl"),
                "target": target, "rebase_group": 0,
                "point_type": kind if is_signal else "common_cause",
                "special_cause_type": "First signal after the change" if is_signal else None})
    return out


def _frequency(measure: Measure | None, local: list[dict]) -> str:
    if local:
        return "weekly" if str(local[0].get("frequency") or "").startswith("week") else "monthly"
    return measure.frequency if measure else "monthly"


def _series(model: ReportModel, reg: RegisterModel, p: Project, impact: dict
            ) -> tuple[list[dict], Measure | None, list[dict]]:
    mid = str(impact.get("measure_id") or "")
    if impact.get("level") == "project":
        local = reg.local_series.get((p.project_id, mid), [])
        return local, None, local
    chart = model.chart_for(mid, str(impact.get("level") or ""), str(impact.get("unit_code") or ""))
    return (chart.points if chart else []), reg.measures.get(mid), []


def _link_target(p: Project, impact: dict) -> object:
    for link in p.links:
        if all(link.get(k) == impact.get(k) for k in ("measure_id", "level", "unit_code")):
            return link.get("target")
    return None


def _aim(p: Project, reg: RegisterModel) -> list[str]:
    aims = []
    for link in p.links:
        if link.get("role") != "outcome":
            continue
        mid = str(link.get("measure_id") or "")
        m = reg.measures.get(mid)
        name = f"{mid} {m.name}" if m else f"local measure {mid}"
        verb = {"increase": "increase", "decrease": "reduce"}.get(m.direction if m else "",
                                                                 "improve")
        code = str(link.get("unit_code") or "")
        where = ("across the organisation" if link.get("level") == "organisation" else
                 f"in {reg.csu_names.get(code, code)}" if link.get("level") == "csu" else
                 "where the project works")
        target = link.get("target")
        to = f", to {format_value(target, m.unit if m else None)}" if is_number(target) else ""
        aims.append(f"To {verb} {name} {where}{to}.")
    return aims


def pdsa_timeline(changes: list[dict], as_of: date, width: int = 1120) -> str:
    """The PDSA cycles as bars on a time axis (colour: the decision), with a diamond where a
    change became standard work. Pure SVG, like the charts."""
    starts = [to_date(c.get("pdsa_start")) for c in changes]
    ends = [to_date(c.get("pdsa_end")) or as_of for c in changes]
    implemented = [to_date(c.get("implemented_date")) for c in changes]
    days = [d for d in (*starts, *ends, *implemented) if d is not None]
    if not days:
        return ""
    lo = min(days)
    hi = max(max(days), lo + timedelta(days=28))  # a single short cycle still has a width
    row_h, left, right, top = 22, 70, 16, 8
    height = top + row_h * len(changes) + 30
    span = max((hi - lo).days, 1)

    def x(d: date) -> float:
        return left + (d - lo).days / span * (width - left - right)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="pdsa-timeline" viewBox="0 0 {width} '
           f'{height}" width="{width}" height="{height}" role="img" aria-label="PDSA cycles on '
           f'a time line" font-family="{escape(FONT)}"><rect width="{width}" height="{height}" '
           f'fill="{WHITE}"/>']
    for i, c in enumerate(changes):
        y = top + i * row_h
        start, end = starts[i], ends[i]
        out.append(f'<text x="{left - 8}" y="{coord(y + 14)}" text-anchor="end" font-size="11" '
                   f'fill="{TEXT}">Cycle {escape(str(c.get("cycle_no")))}</text>')
        if start is None:
            continue
        decision = str(c.get("decision") or "ongoing")
        colour = DECISION_COLOURS.get(decision, GREY)
        tip = (f"Cycle {c.get('cycle_no')}: {format_datetime(start)} to "
               f"{format_datetime(c.get('pdsa_end')) if c.get('pdsa_end') else 'ongoing'}, "
               f"decision {decision}")
        bar = coord(max(x(end) - x(start), 3))
        out.append(f'<g class="cycle {escape(decision)}"><title>{escape(tip)}</title>'
                   f'<rect x="{coord(x(start))}" y="{coord(y + 4)}" width="{bar}" '
                   f'height="{row_h - 8}" rx="3" fill="{colour}"/></g>')
        if implemented[i] is not None:
            xi, yi = x(implemented[i]), y + row_h / 2
            diamond = (f"M{coord(xi)},{coord(yi - 7)}L{coord(xi + 7)},{coord(yi)}"
                       f"L{coord(xi)},{coord(yi + 7)}L{coord(xi - 7)},{coord(yi)}Z")
            out.append(f'<g class="implemented"><title>Standard work from '
                       f'{format_datetime(implemented[i])}</title><path d="{diamond}" '
                       f'fill="{MARKER}" stroke="{WHITE}"/></g>')
    axis_y = top + row_h * len(changes) + 4
    out.append(f'<line x1="{left}" y1="{axis_y}" x2="{width - right}" y2="{axis_y}" '
               f'stroke="{LINE}"/>')
    for label_day in (lo, lo + (hi - lo) / 2, hi):
        text = label_day.strftime("%b %Y")
        xx = min(max(x(label_day), left + text_width(text, 11) / 2),
                 width - right - text_width(text, 11) / 2)
        out.append(f'<text x="{coord(xx)}" y="{axis_y + 16}" text-anchor="middle" font-size="11" '
                   f'fill="{TEXT}">{escape(text)}</text>')
    out.append("</svg>")
    return "".join(out)


def _measure_card(model: ReportModel, reg: RegisterModel, p: Project, impact: dict) -> dict:
    series, measure, local = _series(model, reg, p, impact)
    frequency = _frequency(measure, local)
    unit = measure.unit if measure else None
    mid = str(impact.get("measure_id") or "")
    code = str(impact.get("unit_code") or "")
    scope = str(impact.get("scope") or "")
    where = ("organisation" if impact.get("level") == "organisation" else
             reg.csu_names.get(code, code) if impact.get("level") == "csu" else "project")
    title = f"{mid} {measure.name}" if measure else f"{mid} (local measure)"
    role = str(impact.get("role") or "")
    subtitle = (f"{where} · {role} measure · "
                + ("spread: adopted here" if scope == "spread" else "the project's change")
                + f" from {format_datetime(impact.get('intervention_date'))}")
    points = impact_points(series, impact, frequency, _link_target(p, impact))
    when = to_date(impact.get("intervention_date"))
    markers = [Marker(when, "spread_adopted" if scope == "spread" else "change_adopted",
                      p.project_id)] if when else []
    cid = f"impact-{slug(p.project_id)}-{slug(mid)}-{slug(code)}-{scope}".replace(".", "_")
    svg = spc_chart(points, unit=unit, frequency=frequency, chart_id=cid, width=1120,
                    height=300, legend=True, markers=markers,
                    alt_title=f"{title}, {where}: before and since {p.project_id}'s change",
                    no_spc_reason=None,
                    withheld_reason=measure.withheld_reason if measure else "withheld")
    base, post = impact.get("baseline_mean"), impact.get("post_mean")
    effect = impact.get("effect")
    lo, hi = impact.get("baseline_lpl"), impact.get("baseline_upl")
    return {"measure_id": mid, "level": str(impact.get("level") or ""), "unit_code": code,
            "scope": scope, "title": title,
            "href": "../" + measure.page if measure else None, "subtitle": subtitle,
            "v": verdict_view(impact.get("verdict")), "words": verdict_words(impact, measure),
            "baseline_mean": format_value(base, unit) if is_number(base) else MISSING,
            "post_mean": format_value(post, unit) if is_number(post) else MISSING,
            "effect": (("+" if effect > 0 else "") + format_value(effect, unit))
            if is_number(effect) else MISSING,
            "points": f"{impact.get('baseline_points') or 0} / {impact.get('post_points') or 0}",
            "limits": (f"{format_value(lo, unit)} – {format_value(hi, unit)}"
                       if is_number(lo) and is_number(hi) else MISSING),
            "svg": Markup(svg)}


def project_context(model: ReportModel, reg: RegisterModel, p: Project) -> dict:
    row = p.row
    progress = row.get("progress_score")
    view = {"id": p.project_id, "csu": p.csu_name,
            "goal": _label(str(row.get("strategy_goal") or "")) + " goal",
            "stage": _label(p.stage), "since": format_datetime(row.get("stage_since"))
            if row.get("stage_since") else "", "start": format_datetime(row.get("start_date")),
            "end": format_datetime(row.get("end_date")) if row.get("end_date") else "",
            "progress": f"{float(progress):.1f}" if is_number(progress) else "",
            "lead_group": _label(str(row.get("lead_staff_group") or "")),
            "presented": _label(str(row.get("presented_at") or ""))
            if row.get("presented_at") not in (None, "none") else "",
            "patients": bool(row.get("patients_involved")),
            "partner": bool(row.get("quality_partner_involved")),
            "intervention": format_datetime(row.get("intervention_date")),
            "basis": INTERVENTION_BASIS.get(str(row.get("intervention_basis") or ""), "")}
    changes = [{"cycle": c.get("cycle_no"), "start": format_datetime(c.get("pdsa_start")),
                "end": format_datetime(c.get("pdsa_end")) if c.get("pdsa_end") else "ongoing",
                "decision": _label(str(c.get("decision") or "")),
                "implemented": format_datetime(c.get("implemented_date"))
                if c.get("implemented_date") else MISSING} for c in p.changes]
    spread = [{"csu_code": s.get("csu_code"),
               "csu": reg.csu_names.get(str(s.get("csu_code")), str(s.get("csu_code"))),
               "where": s.get("location_code") or "whole CSU", "status": s.get("status"),
               "adopted": format_datetime(s.get("adopted_date"))} for s in p.spread]
    return {"p": view, "aims": _aim(p, reg), "changes": changes,
            "timeline": Markup(pdsa_timeline(p.changes, reg.as_of)),
            "measures": [_measure_card(model, reg, p, v) for v in p.impacts], "spread": spread}


def render_project(env: Environment, model: ReportModel, reg: RegisterModel, p: Project,
                   ctx: PageContext) -> str:
    content = env.get_template("project").render(
        **project_context(model, reg, p))
    return _wrap(env, ctx, title=f"{p.project_id} {p.csu_name}", root="../",
                 active="improvement", content=content)
