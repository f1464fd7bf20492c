"""The Improvement portfolio page (improvement/index.html): projects by CSU, goal and stage,
verdict counts, spread, waste walks, events, the share of projects with patient or Quality
Partner involvement, and the Limits to review (rebase proposals)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from jinja2 import Environment

from .formatting import MISSING, format_datetime, format_value, is_number, to_date
from .pages import PageContext, _wrap
from .register import (
    GOALS,
    STAGES,
    VERDICT_CLASS,
    VERDICT_LABELS,
    VERDICT_ORDER,
    Project,
    RegisterModel,
)

YEAR = timedelta(days=365)


def verdict_view(verdict: object) -> dict:
    v = str(verdict or "")
    return {"verdict": v, "label": VERDICT_LABELS.get(v, v.replace("_", " ") or MISSING),
            "css": VERDICT_CLASS.get(v, "common")}


def _share(part: int, whole: int) -> str:
    return format_value(part / whole, "percent", decimals=0) if whole else MISSING


def _label(code: str) -> str:
    return code.replace("_", " ").capitalize()


def _count_rows(projects: list[Project], key, labels: dict[str, str]) -> list[dict]:
    groups: dict[str, list[Project]] = {}
    for p in projects:
        groups.setdefault(key(p), []).append(p)
    rows = []
    for code in sorted(groups, key=lambda c: (labels.get(c, c).lower(), c)):
        group = groups[code]
        stages = Counter(p.stage for p in group)
        active = [p for p in group if p.row.get("is_active")]
        rows.append({"key": code, "label": labels.get(code, code or MISSING),
                     "cells": [stages.get(s, 0) for s in STAGES], "total": len(group),
                     "active": len(active),
                     "involvement": _share(sum(p.involvement for p in active), len(active))})
    return rows


def team_text(p: Project) -> str:
    flags = [w for w, on in (("patients", p.row.get("patients_involved")),
                             ("Quality Partner", p.row.get("quality_partner_involved"))) if on]
    return " and ".join(flags) if flags else "staff only"


def _recent(rows: list[dict], column: str, as_of: date) -> list[dict]:
    out = []
    for r in rows:
        d = to_date(r.get(column))
        if d is not None and as_of - YEAR < d <= as_of:
            out.append(r)
    return out


def portfolio_context(reg: RegisterModel, root: str = "../") -> dict:
    projects = reg.projects
    active = [p for p in projects if p.row.get("is_active")]
    impacts = [v for p in projects for v in p.impacts]
    verdicts = []
    for verdict in VERDICT_ORDER:
        rows = [v for v in impacts if v.get("verdict") == verdict]
        verdicts.append({**verdict_view(verdict),
                         "project": sum(v.get("scope") == "project" for v in rows),
                         "outcome": sum(v.get("scope") == "project" and v.get("role") == "outcome"
                                        for v in rows),
                         "spread": sum(v.get("scope") == "spread" for v in rows)})
    by_id = {p.project_id: p for p in projects}
    spread = []
    for p in projects:
        for s in p.spread:
            code = str(s.get("csu_code") or "")
            there = [verdict_view(v.get("verdict")) for v in p.impacts
                     if v.get("scope") == "spread" and v.get("unit_code") == code]
            spread.append({"id": p.project_id, "href": root + p.page if p.has_page else None,
                           "lead": p.csu_name, "csu_code": code,
                           "csu": reg.csu_names.get(code, code),
                           "where": s.get("location_code") or "whole CSU",
                           "status": s.get("status") or MISSING,
                           "adopted": format_datetime(s.get("adopted_date")),
                           "verdicts": there})
    walks_recent = _recent(reg.walks, "walk_date", reg.as_of)
    walk_rows: dict[str, dict] = {}
    for w in walks_recent:
        code = str(w.get("csu_code") or "")
        row = walk_rows.setdefault(code, {"code": code, "csu": reg.csu_names.get(code, code),
                                          "ids": set(), "observations": 0, "raised": 0,
                                          "completed": 0})
        row["ids"].add(w.get("walk_id"))
        for key, col in (("observations", "observations"), ("raised", "actions_raised"),
                         ("completed", "actions_completed")):
            row[key] += int(w[col]) if is_number(w.get(col)) else 0
    walks = [{**r, "walks": len(r["ids"]), "share": _share(r["completed"], r["raised"])}
             for r in sorted(walk_rows.values(), key=lambda r: r["csu"].lower())]
    events = [{"id": e.get("event_id"), "date": format_datetime(e.get("event_date")),
               "type": _label(str(e.get("event_type") or "")),
               "attendees": e.get("attendees") if e.get("attendees") is not None else MISSING,
               "executive": "yes" if e.get("executive_present") else "no",
               "partners": e.get("partner_organisations") or 0,
               "presented": e.get("projects_presented_count") or 0}
              for e in reversed(_recent(reg.events, "event_date", reg.as_of))]
    proposals = []
    for r in reg.proposals:
        pid, mid = str(r.get("project_id") or ""), str(r.get("measure_id") or "")
        p, m = by_id.get(pid), reg.measures.get(mid)
        code = str(r.get("unit_code") or "")
        proposals.append({
            "id": pid, "href": root + p.page if p is not None and p.has_page else None,
            "measure_id": mid, "measure": f"{mid} {m.name}" if m else mid,
            "measure_href": root + m.page if m else None, "unit_code": code,
            "unit": reg.csu_names.get(code, code) if r.get("level") == "csu" else
            ("organisation" if r.get("level") == "organisation" else f"{code} (local)"),
            "v": verdict_view(r.get("verdict")),
            "proposed": format_datetime(r.get("proposed_from")), "reason": r.get("reason") or "",
            "confirmed": bool(r.get("is_confirmed"))})
    listed = []
    for p in reg.paged:
        listed.append({"id": p.project_id, "href": p.page.split("/", 1)[1], "csu": p.csu_name,
                       "goal": _label(str(p.row.get("strategy_goal") or "")),
                       "stage": _label(p.stage), "start": format_datetime(p.row.get("start_date")),
                       "cycles": p.row.get("cycles") or 0, "team": team_text(p),
                       "verdicts": [verdict_view(v) for v in p.outcome_verdicts()]})
    tiles = {"projects": len(projects), "active": len(active),
             "involvement": _share(sum(p.involvement for p in active), len(active)),
             "sustained": sum(v.get("scope") == "project" and v.get("role") == "outcome"
                              and v.get("verdict") == "sustained_improvement" for v in impacts),
             "adoptions": sum(bool(s.get("is_adopted")) for p in projects for s in p.spread),
             "walks": len({w.get("walk_id") for w in walks_recent}),
             "events": len(events)}
    goal_labels = {g: _label(g) for g in GOALS}
    return {"empty": reg.empty, "tiles": tiles, "stages": [_label(s) for s in STAGES],
            "by_csu": _count_rows(projects, lambda p: str(p.row.get("csu_code") or ""),
                                  reg.csu_names),
            "by_goal": _count_rows(projects, lambda p: str(p.row.get("strategy_goal") or ""),
                                   goal_labels),
            "verdicts": verdicts, "projects": listed, "spread": spread, "walks": walks,
            "events": events, "proposals": proposals}


def render_portfolio(env: Environment, reg: RegisterModel, ctx: PageContext) -> str:
    content = env.get_template("portfolio").render(**portfolio_context(reg))
    return _wrap(env, ctx, title="Improvement portfolio", root="../", active="improvement",
                 content=content)
