"""Waste-reduction (cost-improvement) schemes and their monthly plan / actual / forecast.

`waste_schemes` is a monthly snapshot of the tracker (every scheme known by then, with its
status that month); `waste_savings` holds each month's plan, actual and forecast per scheme that
is delivering that month. Actuals vary with the scheme's risk rating and now and then reverse
(a negative adjustment), never below minus the month's plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import numpy as np
import polars as pl

from dagster_project.contracts.extracts import LEAN_WASTES

from .reference import World
from .streams import categorical, stream

SCHEME_NAMES = (
    "Reduce agency nursing spend", "Theatre session utilisation", "Outpatient DNA reduction",
    "Glove and apron procurement switch", "E-rostering efficiencies",
    "Reduce length of stay", "LED lighting and energy", "Pathology test demand management",
    "Digital patient letters", "Biosimilar medicines switch", "Bank staff rate review",
    "Discharge lounge use", "Reduce unused stock", "Radiology reporting backlog",
    "Consolidate clinic rooms", "Patient transport review", "Estates lease exit",
    "Overseas visitor income recovery", "Private patient income", "Reduce waiting list validation",
    "Virtual follow-up clinics", "Standardise surgical kits", "Reduce print and post",
    "Sterile services turnaround", "Medical locum cap", "Skill-mix review",
)
STATUS_NAMES = ("pipeline", "planned", "delivering", "delivered", "withdrawn")
SCHEMES_PER_MONTH = 14  # new schemes a month for Z9T; scaled by trust size


def _schemes(world: World) -> dict[str, np.ndarray]:
    trust = world.trust
    rng = stream(world.seed, trust.index, "waste-schemes")
    first = world.months[0].index
    last = world.months[-1].index
    span = np.arange(first - 18, last + 3)
    counts = rng.poisson(SCHEMES_PER_MONTH * trust.size, len(span))
    start = np.repeat(span, counts)
    n = len(start)
    recurrent = rng.random(n) < 0.65
    duration = np.where(recurrent, rng.integers(36, 49, n), rng.integers(6, 13, n))
    risk = categorical(rng, np.array([0.2, 0.5, 0.3]), n)  # high, medium, low
    withdrawn = np.where(rng.random(n) < 0.08, start - 2 + rng.integers(0, 10, n), 10**6)
    shares = np.array([t.staff_share for _c, _n, t in trust.csus])
    return {
        "start": start, "last": start + duration - 1, "recurrent": recurrent, "risk": risk,
        "withdrawn": withdrawn,
        "csu": categorical(rng, shares, n),
        "waste": rng.integers(0, len(LEAN_WASTES), n),
        "finance": categorical(rng, np.array([0.45, 0.40, 0.15]), n),
        "name": rng.integers(0, len(SCHEME_NAMES), n),
        "plan": np.round(rng.lognormal(np.log(4200), 0.9, n), -1),
        "id": np.array([f"{trust.org_code}-WS{i + 1:05d}" for i in range(n)]),
    }


def _status(s: dict[str, np.ndarray], m: int) -> np.ndarray:
    return np.where(s["withdrawn"] <= m, 4, np.where(m < s["start"] - 3, 0, np.where(
        m < s["start"], 1, np.where(m <= s["last"], 2, 3))))


def waste(world: World) -> Iterator[tuple[str, dt.date, pl.DataFrame]]:
    from .periods import Month

    s = _schemes(world)
    rng = stream(world.seed, world.trust.index, "waste-savings")
    codes = np.array(world.csu_codes)
    mu = np.array([0.72, 0.88, 0.98])[s["risk"]]
    for mo in world.months:
        m = mo.index
        known = np.flatnonzero(s["start"] - 6 <= m)
        status = _status(s, m)
        yield "waste_schemes", mo.last, pl.DataFrame({
            "scheme_id": s["id"][known],
            "scheme_name": [f"{SCHEME_NAMES[x]} ({codes[c]})" for x, c in zip(
                s["name"][known], s["csu"][known])],
            "csu_code": codes[s["csu"][known]],
            "waste_type": np.array(LEAN_WASTES)[s["waste"][known]],
            "finance_type": np.array(["pay", "non_pay", "income"])[s["finance"][known]],
            "recurrence": np.where(s["recurrent"][known], "recurrent", "non_recurrent"),
            "risk_rating": np.array(["high", "medium", "low"])[s["risk"][known]],
            "status": np.array(STATUS_NAMES)[status[known]],
            "start_month": [Month.from_index(x).label for x in s["start"][known]],
        })
        live = np.flatnonzero((s["start"] <= m) & (m <= s["last"]) & (s["withdrawn"] > m))
        ramp = np.where(m - s["start"][live] < 2, 0.5, 1.0)
        plan = np.round(s["plan"][live] * ramp, 2)
        actual = plan * np.clip(rng.normal(mu[live], 0.25), -0.3, 2.0)
        reversal = rng.random(len(live)) < 0.02
        actual = np.where(reversal, -plan * rng.uniform(0.1, 1.0, len(live)), actual)
        actual = np.maximum(np.round(actual, 2), -plan)
        forecast = np.round(plan * np.clip(rng.normal(mu[live] + 0.06, 0.1), 0, 1.5), 2)
        yield "waste_savings", mo.last, pl.DataFrame({
            "scheme_id": s["id"][live],
            "month": [mo.label] * len(live),
            "plan_gbp": plan,
            "actual_gbp": actual,
            "forecast_gbp": forecast,
        })
