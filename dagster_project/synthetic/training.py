"""Training: the ESR statutory/mandatory compliance snapshot and improvement-method training.

Mandatory training is the big extract (every person x every competence x every month). Each
(person, competence) pair has a fixed renewal rhythm: first completed on day `a`, renewed every
`cycle` days, valid for `period` days. Early renewers (cycle < period) are always compliant; late
renewers (cycle > period) are expired for part of each cycle; new starters are
`never_completed` until their induction training. A snapshot is then pure arithmetic over
arrays, so each month is generated on its own and streamed to disk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import polars as pl

from dagster_project.contracts.extracts import ESR_STAFF_GROUPS, IMPROVEMENT_PROGRAMMES

from .periods import NEVER, day_number
from .reference import Roster, World
from .streams import categorical, pseudonyms, stream

Y1, Y2, Y3 = 365, 730, 1095


@dataclass(frozen=True)
class Competence:
    code: str
    name: str  # for non-clinical staff (ESR's `NHS|CSTF|...|` form)
    period: int
    clinical_name: str | None = None  # clinical staff do a higher level
    clinical_period: int | None = None


COMPETENCES = (
    Competence("CSTF_CONFLICT", "NHS|CSTF|Conflict Resolution - 3 Years|", Y3),
    Competence("CSTF_EQUALITY", "NHS|CSTF|Equality, Diversity and Human Rights - 3 Years|", Y3),
    Competence("CSTF_FIRE", "NHS|CSTF|Fire Safety - 2 Years|", Y2),
    Competence("CSTF_HEALTH_SAFETY", "NHS|CSTF|Health, Safety and Welfare - 3 Years|", Y3),
    Competence("CSTF_INFECTION", "NHS|CSTF|Infection Prevention and Control - Level 1 - 3 Years|",
               Y3, "NHS|CSTF|Infection Prevention and Control - Level 2 - 1 Year|", Y1),
    Competence("CSTF_INFO_GOV", "NHS|CSTF|Information Governance and Data Security - 1 Year|",
               Y1),
    Competence("CSTF_MOVING_HANDLING", "NHS|CSTF|Moving and Handling - Level 1 - 3 Years|", Y3,
               "NHS|CSTF|Moving and Handling - Level 2 - 2 Years|", Y2),
    Competence("CSTF_PREVENT",
               "NHS|CSTF|Preventing Radicalisation - Basic Prevent Awareness - 3 Years|", Y3,
               "NHS|CSTF|Preventing Radicalisation - Prevent Awareness - 3 Years|", Y3),
    Competence("CSTF_RESUS", "NHS|CSTF|Resuscitation - Level 1 - 3 Years|", Y3,
               "NHS|CSTF|Resuscitation - Level 2 - Adult Basic Life Support - 1 Year|", Y1),
    Competence("CSTF_SAFEGUARD_ADULTS", "NHS|CSTF|Safeguarding Adults - Level 1 - 3 Years|", Y3,
               "NHS|CSTF|Safeguarding Adults - Level 2 - 3 Years|", Y3),
    Competence("CSTF_SAFEGUARD_CHILDREN", "NHS|CSTF|Safeguarding Children - Level 1 - 3 Years|",
               Y3, "NHS|CSTF|Safeguarding Children - Level 2 - 3 Years|", Y3),
)
LOCAL_CODE = "LOCAL_BLOOD_TRANSFUSION"
LOCAL_GROUPS = ("nursing_midwifery_registered", "medical_dental")
NON_CLINICAL = ("administrative_clerical", "estates_ancillary")
STATUSES = ("compliant", "expired", "never_completed", "not_required")


@dataclass
class TrainingState:
    keys: pl.Series  # person_key per roster index
    codes: pl.Series  # competence codes (k)
    names: pl.Series  # competence names: clinical variant at k, non-clinical at k + n_comp
    applies: np.ndarray  # (n, k) bool: the row exists in ESR for this person
    required: np.ndarray  # (n, k) bool
    first: np.ndarray  # (n, k) day of first completion (NEVER = never done)
    cycle: np.ndarray  # (n, k) days between completions
    period: np.ndarray  # (n, k) validity, days
    clinical: np.ndarray  # (n,) bool


def build_training_state(world: World, roster: Roster) -> TrainingState:
    trust = world.trust
    rng = stream(world.seed, trust.index, "mandatory-training")
    n = len(roster)
    k = len(COMPETENCES) + 1
    clinical = ~np.isin(roster.group, [ESR_STAFF_GROUPS.index(g) for g in NON_CLINICAL])
    period = np.empty((n, k), dtype=np.int64)
    for j, c in enumerate(COMPETENCES):
        period[:, j] = np.where(clinical, c.clinical_period or c.period, c.period)
    period[:, -1] = Y2
    applies = np.ones((n, k), dtype=bool)
    applies[:, -1] = np.isin(roster.group, [ESR_STAFF_GROUPS.index(g) for g in LOCAL_GROUPS])
    required = applies.copy()
    resus = [c.code for c in COMPETENCES].index("CSTF_RESUS")
    required[:, resus] = roster.patient_facing
    # Late renewers: how often and how late differs by CSU, by staff group (doctors are the
    # worst, per every trust board paper) and by competence period.
    csu_mult = rng.lognormal(0, 0.35, len(world.csu_codes)) * np.exp(trust.offsets["training"])
    late_p = np.clip(0.5 * csu_mult[roster.csu] * np.where(
        roster.group == ESR_STAFF_GROUPS.index("medical_dental"), 1.35, 1.0), 0.05, 0.95)
    late = rng.random((n, k)) < late_p[:, None]
    gap = np.where(late, 1 + rng.exponential(130, (n, k)), -rng.uniform(5, 60, (n, k)))
    cycle = np.maximum(period + gap.astype(np.int64), 30)
    start_of_series = day_number(world.months[0].first)
    existing = roster.start < start_of_series
    phase = (rng.random((n, k)) * cycle).astype(np.int64)
    induction = roster.start[:, None] + np.where(
        rng.random((n, k)) < 0.94, rng.exponential(25, (n, k)), rng.uniform(60, 200, (n, k))
    ).astype(np.int64)
    first = np.where(existing[:, None], start_of_series - 1 - phase, induction)
    first = np.where(rng.random((n, k)) < 0.008, NEVER, first)
    keys = pl.Series("person_key", pseudonyms(world.seed, trust.index, np.arange(n)))
    codes = pl.Series([c.code for c in COMPETENCES] + [LOCAL_CODE])
    local_name = f"{trust.org_code}|LOCAL|Blood Transfusion Awareness - 2 Years|"
    names = pl.Series([c.clinical_name or c.name for c in COMPETENCES] + [local_name]
                      + [c.name for c in COMPETENCES] + [local_name])
    return TrainingState(keys=keys, codes=codes, names=names, applies=applies,
                         required=required, first=first, cycle=cycle, period=period,
                         clinical=clinical)


def mandatory_training(world: World, roster: Roster, state: TrainingState
                       ) -> Iterator[tuple[dt.date, pl.DataFrame]]:
    k = state.first.shape[1]
    groups = pl.Series(ESR_STAFF_GROUPS)
    csus = pl.Series(world.csu_codes)
    statuses = pl.Series(STATUSES)
    for mo in world.months:
        snap = mo.last
        s = day_number(snap)
        people = roster.active(s)
        mask = state.applies[people]
        person = np.repeat(people, mask.sum(axis=1))
        comp = np.nonzero(mask)[1]
        first = state.first[person, comp]
        cycle = state.cycle[person, comp]
        period = state.period[person, comp]
        required = state.required[person, comp]
        done = (first <= s) & required
        achieved = first + ((s - first) // cycle) * cycle
        expiry = achieved + period
        status = np.where(~required, 3, np.where(~done, 2, np.where(s < expiry, 0, 1)))
        name_idx = comp + np.where(state.clinical[person], 0, k)
        n = len(person)
        achieved_s = pl.Series("achieved_date", np.where(done, achieved, 0).astype(np.int32))
        expiry_s = pl.Series("expiry_date", np.where(done, expiry, 0).astype(np.int32))
        not_done = pl.Series(~done)
        yield snap, pl.DataFrame([
            pl.Series("snapshot_date", np.full(n, s, dtype=np.int32)).cast(pl.Date),
            state.keys.gather(person).alias("person_key"),
            csus.gather(roster.csu[person]).alias("csu_code"),
            groups.gather(roster.group[person]).alias("staff_group"),
            state.codes.gather(comp).alias("competence_code"),
            state.names.gather(name_idx).alias("competence_name"),
            pl.Series("required", np.where(required, "Y", "N")),
            statuses.gather(status).alias("status"),
            achieved_s.cast(pl.Date).set(not_done, None),
            expiry_s.cast(pl.Date).set(not_done, None),
        ])


# --- improvement-method training ---------------------------------------------------------------

PROGRAMME_P = {"COACHING_SESSION": 0.30, "IMPROVEMENT_FOUNDATIONS": 0.30,
               "DAILY_MANAGEMENT": 0.12, "DATA_FOR_IMPROVEMENT": 0.10, "LEAN_FOR_LEADERS": 0.06,
               "RPIW_PARTICIPANT": 0.06, "IMPROVEMENT_PRACTITIONER": 0.05,
               "IMPROVEMENT_SPECIALIST": 0.01}
PROGRAMME_HOURS = {"COACHING_SESSION": 1.0, "IMPROVEMENT_FOUNDATIONS": 7.5,
                   "DAILY_MANAGEMENT": 3.5, "DATA_FOR_IMPROVEMENT": 7.5, "LEAN_FOR_LEADERS": 15.0,
                   "RPIW_PARTICIPANT": 37.5, "IMPROVEMENT_PRACTITIONER": 37.5,
                   "IMPROVEMENT_SPECIALIST": 150.0}
QP_PROGRAMME_P = {"RPIW_PARTICIPANT": 0.4, "IMPROVEMENT_FOUNDATIONS": 0.3,
                  "COACHING_SESSION": 0.1, "DATA_FOR_IMPROVEMENT": 0.1, "DAILY_MANAGEMENT": 0.1}
QUALITY_PARTNER_GROUP = "quality_partner"  # not staff: no ESR group


def improvement_training(world: World, roster: Roster, state: TrainingState
                         ) -> Iterator[tuple[dt.date, pl.DataFrame]]:
    trust = world.trust
    rng = stream(world.seed, trust.index, "improvement-training")
    programmes = list(IMPROVEMENT_PROGRAMMES)
    p_staff = np.array([PROGRAMME_P.get(p, 0) for p in programmes])
    p_qp = np.array([QP_PROGRAMME_P.get(p, 0) for p in programmes])
    hours = np.array([PROGRAMME_HOURS[p] for p in programmes])
    n_qp = max(4, round(25 * trust.size))
    qp_keys = pseudonyms(world.seed, trust.index, np.arange(n_qp), namespace=1)
    qp_csu = rng.integers(0, len(world.csu_codes), n_qp)
    counter = 0
    # The programme grows: ~180 events a month at the start of a 36-month run, ~340 at the end.
    base = 180 * len(roster.csu[roster.start < day_number(world.months[0].first)]) / 18_000
    for k, mo in enumerate(world.months):
        month_start = day_number(mo.first)
        n_staff = rng.poisson(base * (1 + 0.025 * k) * (0.6 if mo.month in (8, 12) else 1.0))
        n_qp_events = rng.poisson(6 * max(trust.size, 0.25))
        day = month_start + rng.integers(0, mo.days, n_staff + n_qp_events)
        active = roster.active(month_start)
        who = rng.choice(active, n_staff) if len(active) else np.zeros(0, dtype=np.int64)
        prog = np.concatenate([categorical(rng, p_staff, n_staff),
                               categorical(rng, p_qp, n_qp_events)])
        qp = rng.integers(0, n_qp, n_qp_events)
        status = categorical(rng, np.array([0.88, 0.08, 0.04]), len(prog))
        h = hours[prog] * np.where(status == 2, rng.uniform(0.1, 0.5, len(prog)), 1.0)
        h = np.maximum(np.round(h, 1), 0.5)
        order = np.argsort(day, kind="stable")
        m = len(prog)
        ids = [f"{trust.org_code}-IT{counter + i + 1:06d}" for i in range(m)]
        counter += m
        keys = np.concatenate([np.array(state.keys.gather(who).to_list(), dtype=object),
                               np.array(qp_keys, dtype=object)[qp]])
        csu = np.concatenate([roster.csu[who], qp_csu[qp]])
        group = np.concatenate([np.array(ESR_STAFF_GROUPS, dtype=object)[roster.group[who]],
                                np.full(n_qp_events, QUALITY_PARTNER_GROUP, dtype=object)])
        is_qp = np.concatenate([np.zeros(n_staff, bool), np.ones(n_qp_events, bool)])
        yield mo.last, pl.DataFrame({
            "event_id": ids,
            "person_key": pl.Series(keys[order], dtype=pl.String),
            "csu_code": np.array(world.csu_codes)[csu[order]],
            "staff_group": pl.Series(group[order], dtype=pl.String),
            "programme": np.array(programmes)[prog[order]],
            "is_quality_partner": np.where(is_qp[order], "Y", "N"),
            "completion_date": pl.Series(day[order].astype(np.int32)).cast(pl.Date),
            "hours": h[order],
            "status": np.array(["completed", "attended", "withdrawn"])[status[order]],
        })
