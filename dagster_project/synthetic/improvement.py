"""The improvement register: QI projects, their PDSA cycles, measures, spread, waste walks and
improvement events (docs/improvement-register.md).

Each project has a life (idea, planning, testing, implementing, maybe spreading, sustaining,
closed; some are abandoned) laid out in day numbers once; every month-end delivery is then the
register *as known that day*: `qi_projects`, `qi_project_measures`, `qi_changes` and `qi_spread`
are full snapshots (so the stage history can be read back from them), `qi_measure_values` holds
the weeks and months completed that month (the first file also holds the baseline collected
before the range), `waste_walks` and `improvement_events` hold that month's walks and events.

Three projects are planted (trust Z9T only, fixed ids), tied to signals.py:
- QI-0001, Elderly Care falls prevention: changes adopted and standard work from 2025-04-01
  (FALLS_STEP), spread to Abdominal Medicine & Surgery, adopted 2025-10-01 (FALLS_SPREAD_STEP).
- QI-0002, Trauma & Related Services inpatient experience, started March 2026: too recent to
  judge (its first PDSA cycle starts 2026-06-01, fewer than 7 months before the end).
- QI-0003, medicines reconciliation within 24 hours: its change made no difference; the weeks
  after the change alternate about the baseline mean within one sigma, so no SPC rule can fire.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from dagster_project.contracts.extracts import (
    LEAN_WASTES, QI_PRESENTED_AT, STRATEGY_GOALS,
)

from .finance import _schemes
from .periods import (
    Month, day_number, from_day_number, month_first_day, month_index_of_days, month_last_day,
)
from .reference import KINDS, World
from .signals import FALLS_SPREAD_STEP, FALLS_STEP
from .streams import categorical, stream

PROJECTS_TOTAL = 150  # projects known by the last month for Z9T (scaled by trust size)
LEAD_IN_DAYS = 730  # projects may have started up to two years before the first month
GOAL_WEIGHTS = np.array([0.28, 0.14, 0.09, 0.10, 0.10, 0.07, 0.22])  # STRATEGY_GOALS order
ABANDON_SHARE = 0.15
SPREAD_SHARE = 0.30
# Scorecard measures a project of each goal links at its CSU (ward CSUs first choice, others).
GOAL_MEASURES = {
    "safety": (("Q05", "Q02", "Q06"), ("Q01", "Q02", "Q06")),
    "partnership": (("S01", "S04", "S05"), ("S04",)),
    "capability": (("M05", "M06"), ("M05", "M06")),
    "culture": (("M01",), ("M01",)),
    "measurement": (("D01", "Q06", "Q07"), ("D01", "Q06")),
    "spread": (("Q07", "Q06"), ("Q07", "Q06")),
    "waste": (("C01", "C02"), ("C01", "C02")),
}
BALANCING = ("Q01", "D01")
# Local measures by goal: (code, name, kind, direction); proportions rise, counts fall.
LOCAL_MEASURES = {
    "safety": (("L-RISK_ASSESSED_24H", "Falls and pressure risk assessed within 24 hours, %",
                "proportion", "increase"),
               ("L-NEWS2_ON_TIME", "Observations recorded on time, %", "proportion", "increase"),
               ("L-OMITTED_DOSES", "Omitted critical medicine doses", "count", "decrease")),
    "partnership": (("L-CARE_PLAN_SHARED", "Patients given their care plan, %", "proportion",
                     "increase"),
                    ("L-CALL_BELL_WAIT", "Call bells answered after 5 minutes", "count",
                     "decrease")),
    "capability": (("L-HUDDLES_HELD", "Improvement huddles held, %", "proportion", "increase"),),
    "culture": (("L-HUDDLE_ATTENDANCE", "Staff at the daily huddle, %", "proportion",
                 "increase"),),
    "measurement": (("L-BOARD_UPDATED", "Ward boards updated weekly, %", "proportion",
                     "increase"),),
    "spread": (("L-BUNDLE_USED", "Care bundle used, %", "proportion", "increase"),),
    "waste": (("L-DISCHARGE_BY_NOON", "Discharges before noon, %", "proportion", "increase"),
              ("L-STOCK_OUTS", "Stock-outs reported", "count", "decrease"),
              ("L-WAIT_FOR_PORTER", "Transfers waiting over 30 minutes for a porter", "count",
               "decrease")),
}
TITLES = {
    "safety": ("Reducing avoidable harm", "Safer medicines", "Recognising the deteriorating "
               "patient", "Preventing pressure ulcers"),
    "partnership": ("Improving inpatient experience", "Care plans made with patients",
                    "Better communication with families"),
    "capability": ("Building improvement capability", "Improvement coaching for teams"),
    "culture": ("Daily improvement huddles", "Listening to staff ideas"),
    "measurement": ("Measurement for improvement", "Using SPC at ward level"),
    "spread": ("Spreading a proven care bundle", "Adopting good practice from other wards"),
    "waste": ("Reducing waiting for discharge", "Reducing unused stock", "Fewer wasted journeys",
              "Standardising equipment"),
}
PROGRAMMES = ("Safer Care collaborative", "Patient Flow programme", "Lean for Leaders cohort",
              "Always Events")
LEAD_GROUPS = ("nursing_midwifery_registered", "medical_dental", "allied_health_professionals",
               "additional_clinical_services", "administrative_clerical",
               "add_prof_scientific_technical")
LEAD_WEIGHTS = np.array([0.45, 0.20, 0.15, 0.07, 0.08, 0.05])
CHANGE_IDEAS = ("Checklist at the bedside", "Safety huddle at handover", "Visual prompt on the "
                "ward board", "Standard work for admissions", "Patient information leaflet",
                "Daily review by the nurse in charge", "Electronic reminder",
                "Redesigned storage area", "Pre-prepared discharge packs", "Team training "
                "session")
# Rank of each stage's progress score (IHI 0.5-5.0 in steps of 0.5).
SCORES = {"idea": 1.0, "planning": 1.5, "testing": 2.5, "implementing": 3.5, "spreading": 4.0,
          "sustaining": 4.5, "closed": 5.0, "abandoned": 1.5}
PRESENTED_RANK = {v: i for i, v in enumerate(QI_PRESENTED_AT)}


@dataclass
class Cycle:
    no: int
    idea: str
    start: int
    end: int
    decision: str  # the decision once the cycle has ended
    implemented: int | None = None


@dataclass
class Spread:
    csu: str
    location: str | None
    planned: int
    adopting: int
    adopted: int | None
    sustained: int | None
    stopped: int | None = None


@dataclass
class LocalMeasure:
    code: str
    name: str
    direction: str
    frequency: str
    role: str
    periods: np.ndarray  # day numbers of each period's first day
    numerator: np.ndarray
    denominator: np.ndarray | None  # None: a count


@dataclass
class Project:
    id: str
    title: str
    csu: str
    location: str | None
    programme: str | None
    goal: str
    lead_group: str
    quality_partner: bool
    patients: bool
    stages: list[tuple[str, int]]  # (stage, first day), in order
    waste_type: str | None = None
    scheme_id: str | None = None
    cycles: list[Cycle] = field(default_factory=list)
    links: list[tuple[str, str, str, str, float | None]] = field(default_factory=list)
    local: list[LocalMeasure] = field(default_factory=list)
    spread: list[Spread] = field(default_factory=list)
    conferences: list[tuple[str, int]] = field(default_factory=list)
    presented: list[tuple[str, int]] = field(default_factory=list)  # filled from the events

    @property
    def start(self) -> int:
        return self.stages[0][1]

    def stage_on(self, day: int) -> str:
        return [s for s, d in self.stages if d <= day][-1]

    def stage_day(self, stage: str) -> int | None:
        return next((d for s, d in self.stages if s == stage), None)

    @property
    def end(self) -> int | None:
        return next((d for s, d in self.stages if s in ("closed", "abandoned")), None)

    @property
    def intervention(self) -> int | None:
        """The spec's intervention date, once known (the earliest implemented date)."""
        done = [c.implemented for c in self.cycles if c.implemented is not None]
        return min(done) if done else None


def _d(text: str) -> int:
    return day_number(dt.date.fromisoformat(text))


def _monday_on_or_after(day: int) -> int:
    return day + (-(day + 3)) % 7  # day 0 (1970-01-01) was a Thursday


def _project_id(trust_index: int, n: int) -> str:
    # Z9T: QI-0001...; trust k of the nation: QI-k0001... (unique across a national file)
    return f"QI-{n:04d}" if trust_index == 0 else f"QI-{trust_index}{n:04d}"


# --- local measure series -------------------------------------------------------------------

def _periods(first: int, last: int, frequency: str) -> np.ndarray:
    """Period starts from `first` whose period is complete by `last` (day numbers)."""
    if frequency == "week":
        return np.arange(_monday_on_or_after(first), last - 5, 7, dtype=np.int64)
    starts = month_first_day(np.arange(month_index_of_days(np.array([first - 1]))[0] + 1,
                                       month_index_of_days(np.array([last + 1]))[0]))
    return starts.astype(np.int64)


def _period_last_day(periods: np.ndarray, frequency: str) -> np.ndarray:
    if frequency == "week":
        return periods + 6
    return month_last_day(month_index_of_days(periods))


def _post(periods: np.ndarray, day: int | None, frequency: str) -> np.ndarray:
    """The periods from the one containing `day` on (none when `day` is None)."""
    if day is None:
        return np.zeros(len(periods), dtype=bool)
    return _period_last_day(periods, frequency) >= day


def _series(rng: np.random.Generator, kind: str, periods: np.ndarray, frequency: str,
            level: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """Numerators (and denominators) around `level` (a share, or an expected count)."""
    scale = 1.0 if frequency == "week" else 4.3
    if kind == "proportion":
        den = rng.poisson(rng.uniform(18, 45) * scale, len(periods)) + 8
        return rng.binomial(den, np.clip(level, 0.02, 0.98)).astype(float), den.astype(float)
    return rng.poisson(np.maximum(level, 0.2) * scale).astype(float), None


def _baseline_xmr(values: np.ndarray) -> tuple[float, float]:
    """Mean and sigma (screened mean moving range / 1.128) of up to the last 24 values."""
    base = values[-24:]
    mr = np.abs(np.diff(base))
    mr_bar = mr.mean()
    mr_bar = mr[mr <= 3.267 * mr_bar].mean()
    return float(base.mean()), float(mr_bar / 1.128)


def _no_change_series(rng: np.random.Generator, periods: np.ndarray, post: np.ndarray,
                      p0: float) -> tuple[np.ndarray, np.ndarray]:
    """A proportion whose post points alternate about the baseline mean within one sigma:
    no shift, no trend, nothing near or beyond a limit, whatever the seed."""
    den = (rng.poisson(10, len(periods)) + 30).astype(float)
    num = rng.binomial(den.astype(int), p0).astype(float)
    base = ~post
    mean, sigma = _baseline_xmr(num[base] / den[base])
    sides = np.where(np.arange(int(post.sum())) % 2 == 0, 1.0, -1.0)
    target = mean + sides * rng.uniform(0.35, 0.65, len(sides)) * sigma
    post_num = np.round(target * den[post])
    # rounding must not land on or across the mean
    post_num = np.where(sides > 0, np.maximum(post_num, np.floor(mean * den[post]) + 1),
                        np.minimum(post_num, np.ceil(mean * den[post]) - 1))
    num[post] = post_num
    return num, den


# --- the planted projects -------------------------------------------------------------------

def _planted(world: World, rng_for) -> list[Project]:
    trust = world.trust
    if not trust.plants_signals:
        return []
    code = {t: world.csu_codes[i] for i, t in enumerate(world.csu_templates)}
    out: list[Project] = []
    if "ELD" in code and "AMS" in code:
        implemented = _d(FALLS_STEP.month + "-01")
        adopted = _d(FALLS_SPREAD_STEP.month + "-01")
        p = Project(
            id=_project_id(trust.index, 1), title="Preventing falls with harm on the elderly "
            "care wards", csu=code["ELD"], location=None, programme="Safer Care collaborative",
            goal="safety", lead_group="nursing_midwifery_registered", quality_partner=True,
            patients=True, stages=[("idea", _d("2024-06-03")), ("planning", _d("2024-07-01")),
                                   ("testing", _d("2024-09-02")), ("implementing", implemented),
                                   ("spreading", _d("2025-08-01")),
                                   ("sustaining", _d("2026-03-02"))],
            cycles=[
                Cycle(1, "Lying-and-standing blood pressure on admission", _d("2024-09-02"),
                      _d("2024-10-14"), "adapt"),
                Cycle(2, "Lying-and-standing blood pressure prompt in the admission bundle",
                      _d("2024-10-21"), _d("2024-12-16"), "adopt", implemented),
                Cycle(3, "Enhanced supervision bays for patients at high risk of falling",
                      _d("2024-11-04"), _d("2025-02-24"), "adopt", implemented),
                Cycle(4, "Falls huddle at every shift handover", _d("2025-01-13"),
                      _d("2025-03-10"), "abandon"),
            ],
            links=[("Q05", "outcome", "csu", code["ELD"], None)],
            spread=[Spread(code["AMS"], None, _d("2025-08-01"), _d("2025-09-01"), adopted,
                           adopted + 182),
                    Spread(code["NEU"], None, _d("2026-06-01"), 10**7, None, None)]
            if "NEU" in code else [Spread(code["AMS"], None, _d("2025-08-01"),
                                          _d("2025-09-01"), adopted, adopted + 182)],
            conferences=[("national_conference", _d("2026-01-20"))])
        rng = rng_for(1)
        periods = _periods(p.start, world.end_day, "week")
        testing = periods + 6 >= p.stage_day("testing")
        level = np.where(_post(periods, implemented, "week"), 0.86, np.where(testing, 0.55, 0.38))
        num, den = _series(rng, "proportion", periods, "week", level)
        p.local.append(LocalMeasure("L-LSBP_DONE", "Lying-and-standing blood pressure "
                                    "recorded on admission, %", "increase", "week", "process",
                                    periods, num, den))
        p.links.append(("L-LSBP_DONE", "process", "project", p.id, 0.9))
        out.append(p)
    if "TRS" in code:
        out.append(Project(
            id=_project_id(trust.index, 2), title="Improving inpatient experience on the "
            "trauma wards", csu=code["TRS"], location=None, programme="Always Events",
            goal="partnership", lead_group="nursing_midwifery_registered", quality_partner=True,
            patients=True, stages=[("idea", _d("2026-03-02")), ("planning", _d("2026-04-06")),
                                   ("testing", _d("2026-06-01"))],
            cycles=[Cycle(1, "Comfort rounds every two hours", _d("2026-06-01"),
                          _d("2026-07-27"), "adapt"),
                    Cycle(2, "Comfort rounds with a bedside prompt card", _d("2026-08-03"),
                          _d("2026-11-30"), "adopt")],
            links=[("S01", "outcome", "csu", code["TRS"], 0.95)]))
    if "CRS" in code:
        p = Project(
            id=_project_id(trust.index, 3), title="Medicines reconciliation within 24 hours "
            "of admission", csu=code["CRS"], location=None, programme=None, goal="safety",
            lead_group="add_prof_scientific_technical", quality_partner=False, patients=False,
            stages=[("idea", _d("2024-01-08")), ("planning", _d("2024-02-05")),
                    ("testing", _d("2024-04-01")), ("implementing", _d("2024-09-02")),
                    ("sustaining", _d("2025-03-03")), ("closed", _d("2025-09-30"))],
            cycles=[Cycle(1, "Pharmacy technician on the post-take ward round",
                          _d("2024-04-01"), _d("2024-06-10"), "adapt"),
                    Cycle(2, "Pharmacy technician rota covering weekends", _d("2024-06-17"),
                          _d("2024-08-26"), "adopt", _d("2024-09-02"))])
        periods = _periods(p.start, p.end, "week")
        post = _post(periods, p.intervention, "week")
        num, den = _no_change_series(rng_for(3), periods, post, 0.62)
        p.local.append(LocalMeasure("L-MEDREC_24H", "Medicines reconciled within 24 hours "
                                    "of admission, %", "increase", "week", "outcome",
                                    periods, num, den))
        p.links.append(("L-MEDREC_24H", "outcome", "project", p.id, 0.8))
        out.append(p)
    return out


# --- the generic register -------------------------------------------------------------------

def _stages(rng: np.random.Generator, start: int) -> list[tuple[str, int]]:
    d = start
    stages = [("idea", d)]
    steps = [("planning", (30, 100)), ("testing", (40, 120)), ("implementing", (90, 260))]
    if rng.random() < SPREAD_SHARE:
        steps.append(("spreading", (90, 200)))
    steps += [("sustaining", (90, 240)), ("closed", (150, 400))]
    abandon_after = (rng.integers(1, 4) if rng.random() < ABANDON_SHARE else None)
    for k, (stage, (lo, hi)) in enumerate(steps):
        d += int(rng.integers(lo, hi))
        if abandon_after is not None and k == abandon_after:
            stages.append(("abandoned", d))
            break
        stages.append((stage, d))
    return stages


def _cycles(rng: np.random.Generator, p: Project) -> list[Cycle]:
    t0 = p.stage_day("testing")
    if t0 is None:
        return []
    t1 = p.stage_day("implementing")
    stop = t1 if t1 is not None else (p.end or t0 + 400)
    cycles, t, k = [], t0, 1
    while True:
        end = t + int(rng.integers(14, 43))
        last = end >= stop - 10
        if last and t1 is not None:
            end = max(min(end, t1), t + 7)
            cycles.append(Cycle(k, CHANGE_IDEAS[rng.integers(len(CHANGE_IDEAS))], t, end,
                                "adopt", t1))
            break
        if last:  # abandoned while testing: the last cycle is given up
            cycles.append(Cycle(k, CHANGE_IDEAS[rng.integers(len(CHANGE_IDEAS))], t, end,
                                "abandon"))
            break
        decision = ("adapt", "abandon", "adopt")[categorical(rng, np.array([0.55, 0.2, 0.25]),
                                                              1)[0]]
        implemented = t1 if decision == "adopt" and t1 is not None else None
        cycles.append(Cycle(k, CHANGE_IDEAS[rng.integers(len(CHANGE_IDEAS))], t, end,
                            decision, implemented))
        t, k = end + int(rng.integers(0, 15)), k + 1
    return cycles


def _generic(world: World, n: int, first_id: int, rng: np.random.Generator, rng_for,
             planted_csus: set[str]) -> list[Project]:
    trust = world.trust
    window = day_number(world.months[0].first) - LEAD_IN_DAYS
    # registers grow: more projects start in recent months than early on
    starts = np.sort(window + ((world.end_day - 10 - window) * rng.random(n) ** 0.7).astype(
        np.int64))
    shares = np.array([t.staff_share for _c, _n, t in trust.csus])
    csu = categorical(rng, shares, n)
    csu[:len(shares)] = rng.permutation(len(shares))[:n]  # every CSU leads at least one
    goal = categorical(rng, GOAL_WEIGHTS, n)
    goal[len(shares):len(shares) + len(STRATEGY_GOALS)] = np.arange(len(STRATEGY_GOALS))
    wards = world.loc_kind == KINDS.index("ward")
    schemes = _schemes(world)
    scheme_start_day = np.array([day_number(Month.from_index(s).first)
                                 for s in schemes["start"] - 6])
    out = []
    for i in range(n):
        k = first_id + i
        c, g = int(csu[i]), STRATEGY_GOALS[goal[i]]
        code = world.csu_codes[c]
        own = np.flatnonzero(world.loc_csu == c)
        own_wards = np.flatnonzero((world.loc_csu == c) & wards)
        location = (str(world.loc_code[rng.choice(own_wards if len(own_wards) else own)])
                    if len(own) and rng.random() < 0.6 else None)
        p = Project(
            id=_project_id(trust.index, k),
            title=f"{TITLES[g][rng.integers(len(TITLES[g]))]} ({trust.csus[c][1]})",
            csu=code, location=location,
            programme=PROGRAMMES[rng.integers(len(PROGRAMMES))] if rng.random() < 0.35 else None,
            goal=g, lead_group=LEAD_GROUPS[categorical(rng, LEAD_WEIGHTS, 1)[0]],
            quality_partner=bool(rng.random() < 0.30), patients=bool(rng.random() < 0.35),
            stages=_stages(rng, int(starts[i])))
        if g == "waste":
            fits = np.flatnonzero((schemes["csu"] == c) & (scheme_start_day <= p.start))
            if len(fits) and rng.random() < 0.7:
                s = int(rng.choice(fits[-12:]))
                p.scheme_id, p.waste_type = str(schemes["id"][s]), LEAN_WASTES[schemes["waste"][s]]
            else:
                p.waste_type = LEAN_WASTES[rng.integers(len(LEAN_WASTES))]
        p.cycles = _cycles(rng, p)
        choices = GOAL_MEASURES[g][0 if len(own_wards) else 1]
        if code in planted_csus:  # their falls charts carry the planted projects' steps
            choices = tuple(m for m in choices if m != "Q05")
        outcome = choices[rng.integers(len(choices))]
        p.links.append((outcome, "outcome", "csu", code, None))
        balancing = BALANCING[rng.integers(len(BALANCING))]
        if rng.random() < 0.25 and balancing != outcome:
            p.links.append((balancing, "balancing", "csu", code, None))
        if rng.random() < 0.75:
            _add_local(p, rng, rng_for(k), world)
        if p.stage_day("spreading") is not None:
            others = [j for j in range(len(shares)) if j != c
                      and world.csu_codes[j] not in planted_csus
                      and ((world.loc_csu == j) & wards).any()]
            for j in rng.choice(others, min(len(others), int(rng.integers(1, 4))),
                                replace=False):
                # spread is planned while implementing, and starts once the project spreads
                planned = p.stage_day("implementing") + int(rng.integers(30, 120))
                adopting = max(planned + int(rng.integers(20, 60)), p.stage_day("spreading"))
                stopped = adopting + 60 if rng.random() < 0.1 else None
                adopted = None if stopped else adopting + int(rng.integers(30, 90))
                p.spread.append(Spread(world.csu_codes[j], None, planned, adopting, adopted,
                                       adopted + 182 if adopted else None, stopped))
        sustaining = p.stage_day("sustaining")
        if sustaining is not None and rng.random() < 0.25:
            p.conferences.append(("national_conference", sustaining + int(rng.integers(60, 200))))
            if rng.random() < 0.2:
                p.conferences.append(("international_conference",
                                      sustaining + int(rng.integers(200, 400))))
        out.append(p)
    return out


def _add_local(p: Project, rng: np.random.Generator, vrng: np.random.Generator,
               world: World) -> None:
    code, name, kind, direction = LOCAL_MEASURES[p.goal][rng.integers(
        len(LOCAL_MEASURES[p.goal]))]
    frequency = "week" if rng.random() < 0.85 else "month"
    first = p.start - (182 if rng.random() < 0.5 else 0)  # half collect a baseline backwards
    last = min(p.end or world.end_day, world.end_day)
    periods = _periods(first, last, frequency)
    if len(periods) == 0:
        return
    post = _post(periods, p.intervention, frequency)
    works = rng.random()  # 55% improve, 30% no change, 5% worse, 10% improve then fade
    fade = post & (periods > (p.intervention or 0) + int(rng.integers(70, 140)))
    if kind == "proportion":
        p0 = rng.uniform(0.35, 0.7)
        delta = rng.uniform(0.10, 0.25) * (1 if works < 0.55 or works >= 0.90 else
                                           (-1 if works >= 0.85 else 0))
        level = np.where(post, p0 + delta, p0)
        level = np.where(fade & (works >= 0.90), p0, level)
    else:
        m0 = rng.uniform(4, 18)
        factor = rng.uniform(0.55, 0.8) if works < 0.55 or works >= 0.90 else (
            rng.uniform(1.2, 1.4) if works >= 0.85 else 1.0)
        level = np.where(post, m0 * factor, m0)
        level = np.where(fade & (works >= 0.90), m0, level)
    num, den = _series(vrng, kind, periods, frequency, level)
    role = "process" if rng.random() < 0.6 else "outcome"
    p.local.append(LocalMeasure(code, name, direction, frequency, role, periods, num, den))
    target = (0.9 if direction == "increase" else None) if kind == "proportion" else None
    p.links.append((code, role, "project", p.id, target))


# --- events and presentations ---------------------------------------------------------------

def _nth_weekday(year: int, month: int, weekday: int, n: int) -> int:
    first = dt.date(year, month, 1)
    return day_number(first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1)))


def _events(world: World, projects: list[Project], rng: np.random.Generator) -> list[dict]:
    """Every event from the first project's start on; projects presented are recorded on the
    project too (its `presented_at` is read from them)."""
    trust = world.trust
    first = min((p.start for p in projects), default=day_number(world.months[0].first))
    mo = Month(from_day_number(first).year, from_day_number(first).month)
    events: list[dict] = []
    last_report, last_network = first, first

    def entered(stage_names: tuple[str, ...], since: int, until: int) -> list[Project]:
        return [p for p in projects if any(s in stage_names and since < d <= until
                                           for s, d in p.stages)]

    while day_number(mo.first) <= world.end_day:
        planned = [("report_out", _nth_weekday(mo.year, mo.month, 2, 3))]
        if mo.month in (3, 6, 9, 12):
            planned.append(("network_event", _nth_weekday(mo.year, mo.month, 1, 2)))
        if mo.month == 11:
            planned.append(("waste_conference", _nth_weekday(mo.year, mo.month, 3, 1)))
        if mo.month == 7:
            planned.append(("celebration", _nth_weekday(mo.year, mo.month, 4, 2)))
        if mo.month in (2, 5, 10):
            planned.append(("system_event", _nth_weekday(mo.year, mo.month, 3, 4)))
        for kind, day in sorted(planned, key=lambda e: e[1]):
            if day > world.end_day:
                continue
            if kind == "report_out":
                shown = entered(("implementing", "closed"), last_report, day)[:8]
                last_report = day
                attendees, partners, exec_p = rng.integers(25, 71), rng.integers(0, 2), 0.6
            elif kind == "network_event":
                shown = entered(("spreading", "sustaining"), last_network, day)[:10]
                last_network = day
                attendees, partners, exec_p = rng.integers(60, 151), rng.integers(1, 6), 0.8
            elif kind == "waste_conference":
                shown = [p for p in projects if p.goal == "waste" and p.start <= day
                         and p.stage_on(day) in ("implementing", "spreading", "sustaining")][:12]
                attendees, partners, exec_p = rng.integers(120, 251), rng.integers(2, 9), 1.0
            elif kind == "celebration":
                shown = [p for p in entered(("closed",), day - 365, day) if p.intervention][:10]
                attendees, partners, exec_p = rng.integers(80, 201), rng.integers(0, 3), 1.0
            else:
                shown = [p for p in projects if p.start <= day
                         and p.stage_on(day) == "sustaining"][:2]
                attendees, partners, exec_p = rng.integers(40, 121), rng.integers(4, 16), 0.7
            for p in shown:
                p.presented.append(("report_out" if kind == "report_out" else "network_event",
                                    day))
            events.append({
                "event_id": f"{trust.org_code}-EV{len(events) + 1:04d}",
                "event_date": from_day_number(day), "event_type": kind,
                "attendees": int(attendees), "executive_present": bool(rng.random() < exec_p),
                "projects_presented": ";".join(p.id for p in shown) or None,
                "partner_organisations": int(partners)})
        mo = mo.shift(1)
    return events


def _presented_at(p: Project, day: int) -> str:
    reached = [k for k, d in (*p.presented, *p.conferences) if d <= day]
    return max(reached, key=PRESENTED_RANK.__getitem__, default="none")


# --- deliveries -----------------------------------------------------------------------------

def _score(p: Project, day: int) -> float:
    stage = p.stage_on(day)
    if stage == "testing":
        done = sum(1 for c in p.cycles if c.end <= day)
        return min(2.0 + 0.5 * done, 3.0)
    if stage == "closed" and p.intervention is None:
        return 3.0
    return SCORES[stage]


def _project_rows(projects: list[Project], day: int) -> pl.DataFrame:
    known = [p for p in projects if p.start <= day]
    return pl.DataFrame({
        "project_id": [p.id for p in known],
        "title": [p.title for p in known],
        "csu_code": [p.csu for p in known],
        "location_code": [p.location for p in known],
        "programme": [p.programme for p in known],
        "strategy_goal": [p.goal for p in known],
        "stage": [p.stage_on(day) for p in known],
        "progress_score": [_score(p, day) for p in known],
        "lead_staff_group": [p.lead_group for p in known],
        "quality_partner_involved": [p.quality_partner for p in known],
        "patients_involved": [p.patients for p in known],
        "start_date": [from_day_number(p.start) for p in known],
        "end_date": [from_day_number(p.end) if p.end is not None and p.end <= day else None
                     for p in known],
        "presented_at": [_presented_at(p, day) for p in known],
        "waste_type": [p.waste_type for p in known],
        "scheme_id": [p.scheme_id for p in known],
    }, schema_overrides={"location_code": pl.String, "programme": pl.String,
                         "end_date": pl.Date, "waste_type": pl.String, "scheme_id": pl.String})


def _link_rows(projects: list[Project], day: int) -> pl.DataFrame:
    rows = [(p.id, *link) for p in projects if p.start <= day for link in p.links]
    return pl.DataFrame(rows, schema={"project_id": pl.String, "measure_id": pl.String,
                                      "role": pl.String, "level": pl.String,
                                      "unit_code": pl.String, "target": pl.Float64},
                        orient="row")


def _change_rows(projects: list[Project], day: int) -> pl.DataFrame:
    rows = []
    for p in projects:
        for c in p.cycles:
            if c.start > day:
                continue
            ended = c.end <= day
            rows.append((p.id, c.no, c.idea, from_day_number(c.start),
                         from_day_number(c.end) if ended else None,
                         c.decision if ended else "ongoing",
                         from_day_number(c.implemented) if ended and c.implemented is not None
                         and c.implemented <= day else None))
    return pl.DataFrame(rows, schema={"project_id": pl.String, "cycle_no": pl.Int64,
                                      "change_idea": pl.String, "pdsa_start": pl.Date,
                                      "pdsa_end": pl.Date, "decision": pl.String,
                                      "implemented_date": pl.Date}, orient="row")


def _spread_status(s: Spread, day: int) -> str:
    if s.stopped is not None and s.stopped <= day:
        return "stopped"
    if s.sustained is not None and s.sustained <= day:
        return "sustained"
    if s.adopted is not None and s.adopted <= day:
        return "adopted"
    return "adopting" if s.adopting <= day else "planned"


def _spread_rows(projects: list[Project], day: int) -> pl.DataFrame:
    rows = [(p.id, s.csu, s.location, _spread_status(s, day),
             from_day_number(s.adopted) if s.adopted is not None and s.adopted <= day else None)
            for p in projects for s in p.spread if s.planned <= day]
    return pl.DataFrame(rows, schema={"project_id": pl.String, "csu_code": pl.String,
                                      "location_code": pl.String, "status": pl.String,
                                      "adopted_date": pl.Date}, orient="row")


def _value_frame(projects: list[Project]) -> pl.DataFrame:
    """Every local measure's values, with `_complete`: the last day of each period (a period
    is delivered in the first month-end file on or after it)."""
    measures = [(p, m) for p in projects for m in p.local]
    sizes = [len(m.periods) for _p, m in measures]

    def col(values: list) -> np.ndarray:
        return np.repeat(np.array(values, dtype=object), sizes)

    if not measures:
        periods = complete = np.array([], dtype=np.int64)
        numerator = denominator = np.array([], dtype=float)
    else:
        periods = np.concatenate([m.periods for _p, m in measures])
        complete = np.concatenate([_period_last_day(m.periods, m.frequency)
                                   for _p, m in measures])
        numerator = np.concatenate([m.numerator for _p, m in measures])
        denominator = np.concatenate([m.denominator if m.denominator is not None
                                      else np.full(len(m.periods), np.nan)
                                      for _p, m in measures])
    return pl.DataFrame({
        "project_id": col([p.id for p, _m in measures]),
        "measure_code": col([m.code for _p, m in measures]),
        "measure_name": col([m.name for _p, m in measures]),
        "direction": col([m.direction for _p, m in measures]),
        "frequency": col([m.frequency for _p, m in measures]),
        "period": periods.astype("datetime64[D]"),
        "numerator": numerator,
        "denominator": denominator,
        "_complete": complete,
    }, schema_overrides={c: pl.String for c in (
        "project_id", "measure_code", "measure_name", "direction", "frequency")},
    ).with_columns(pl.col("denominator").fill_nan(None))


def _walk_rows(world: World, mo: Month) -> pl.DataFrame:
    """About three waste walks in four months per CSU; a few wastes found on each."""
    trust = world.trust
    rng = stream(world.seed, trust.index, "waste-walks", mo.index)
    completion = np.clip(0.62 + 0.006 * (mo.index - world.months[0].index), 0.5, 0.88)
    rows = []
    for c, code in enumerate(world.csu_codes):
        if rng.random() >= 0.75:
            continue
        own = np.flatnonzero(world.loc_csu == c)
        walk_id = f"{trust.org_code}-WW{mo.year}{mo.month:02d}-{c + 1:02d}"
        day = mo.first + dt.timedelta(days=int(rng.integers(0, mo.days)))
        location = (str(world.loc_code[rng.choice(own)]) if len(own) and rng.random() < 0.8
                    else None)
        for w in np.sort(rng.choice(len(LEAN_WASTES), int(rng.integers(2, 5)), replace=False)):
            observations = int(rng.integers(0, 9))
            raised = int(rng.binomial(observations, 0.6))
            rows.append((walk_id, day, code, location, LEAN_WASTES[w], observations, raised,
                         int(rng.binomial(raised, completion))))
    return pl.DataFrame(rows, schema={"walk_id": pl.String, "walk_date": pl.Date,
                                      "csu_code": pl.String, "location_code": pl.String,
                                      "waste_type": pl.String, "observations": pl.Int64,
                                      "actions_raised": pl.Int64,
                                      "actions_completed": pl.Int64}, orient="row")


def _listed(snapshot: pl.DataFrame, mo: Month) -> pl.DataFrame:
    """A snapshot in the order the platform lists it that night, which changes from night to
    night: an unchanged register is still a new file (the loader would skip the same bytes again
    as a duplicate delivery; the marts cope with that too, but the generator's files all load)."""
    if snapshot.height < 2:
        return snapshot
    k = mo.index % snapshot.height
    return pl.concat([snapshot.slice(k), snapshot.slice(0, k)])


def build_register(world: World) -> tuple[list[Project], list[dict]]:
    """The trust's projects (planted first) and improvement events."""
    trust = world.trust
    rng = stream(world.seed, trust.index, "qi-register")

    def rng_for(k: int) -> np.random.Generator:
        return stream(world.seed, trust.index, "qi-values", k)

    planted = _planted(world, rng_for)
    n = max(int(round(PROJECTS_TOTAL * trust.size)), len(STRATEGY_GOALS) + len(trust.csus))
    generic = _generic(world, n - len(planted), 4 if trust.plants_signals else 1, rng, rng_for,
                       {p.csu for p in planted} | {s.csu for p in planted for s in p.spread})
    projects = [*planted, *generic]
    events = _events(world, projects, stream(world.seed, trust.index, "qi-events"))
    return projects, events


def improvement(world: World) -> Iterator[tuple[str, dt.date, pl.DataFrame]]:
    projects, events = build_register(world)
    event_frame = pl.DataFrame(events, schema={
        "event_id": pl.String, "event_date": pl.Date, "event_type": pl.String,
        "attendees": pl.Int64, "executive_present": pl.Boolean,
        "projects_presented": pl.String, "partner_organisations": pl.Int64})
    values = _value_frame(projects)
    previous = -(10**7)  # the first file holds every period completed before it too
    for mo in world.months:
        day = day_number(mo.last)
        yield "qi_projects", mo.last, _listed(_project_rows(projects, day), mo)
        yield "qi_project_measures", mo.last, _listed(_link_rows(projects, day), mo)
        yield "qi_measure_values", mo.last, values.filter(
            (pl.col("_complete") > previous) & (pl.col("_complete") <= day)).drop("_complete")
        yield "qi_changes", mo.last, _listed(_change_rows(projects, day), mo)
        yield "qi_spread", mo.last, _listed(_spread_rows(projects, day), mo)
        yield "waste_walks", mo.last, _walk_rows(world, mo)
        yield "improvement_events", mo.last, event_frame.filter(
            pl.col("event_date").is_between(mo.first, mo.last))
        previous = day
