"""Incidents: a Datix/LFPSE-style monthly delivery with a lifecycle.

Each incident is simulated once, with every date it will ever have: occurred, reported,
regraded (a few), learning response due/completed (moderate harm or worse), closed. The monthly
file `incidents_<last day of month>.csv` then holds each incident's state as of that day, for
the incidents reported that month plus every earlier incident that changed that month (closed,
regraded, response completed): same incident_id, later last_modified. Nothing in a file is dated
after its extract date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import numpy as np
import polars as pl

from dagster_project.contracts.extracts import HARM_LEVELS, NRLS_CATEGORIES

from .periods import NEVER, day_number, month_index_of_days, month_last_day
from .reference import KINDS, World
from .signals import FALLS_STEPS, SEVERE_HARM_SPIKE
from .streams import categorical, splitmix64, stream
from .trust import KIND_INCIDENTS

CAT = {c: i for i, c in enumerate(NRLS_CATEGORIES)}
NONE, LOW, MODERATE, SEVERE, FATAL = range(5)

# Scales expected incidents so that Z9T reports ~3,000 a month.
INCIDENT_SCALE = 0.80

# Category weights per location kind (before the CSU's falls factor).
_BASE = {
    "ward": {"patient_accident": 52, "medication": 14, "implementation_of_care": 14,
             "clinical_assessment": 8, "access_admission_transfer_discharge": 8,
             "infection_control": 3, "treatment_procedure": 5, "documentation": 4,
             "consent_communication_confidentiality": 3, "disruptive_aggressive_behaviour": 6,
             "infrastructure": 4, "medical_device": 3, "patient_abuse": 1, "self_harm": 1,
             "other": 3},
    "ed": {"clinical_assessment": 20, "access_admission_transfer_discharge": 20,
           "disruptive_aggressive_behaviour": 15, "medication": 9, "patient_accident": 9,
           "treatment_procedure": 5, "self_harm": 6, "documentation": 4,
           "implementation_of_care": 6, "infrastructure": 3, "other": 3},
    "maternity": {"treatment_procedure": 28, "clinical_assessment": 24,
                  "implementation_of_care": 15, "medication": 9,
                  "access_admission_transfer_discharge": 6, "documentation": 6,
                  "consent_communication_confidentiality": 4, "infection_control": 3,
                  "patient_accident": 2, "other": 3},
    "clinic": {"access_admission_transfer_discharge": 24, "documentation": 15,
               "consent_communication_confidentiality": 15, "clinical_assessment": 11,
               "medication": 9, "patient_accident": 7, "treatment_procedure": 6,
               "disruptive_aggressive_behaviour": 5, "infrastructure": 4, "other": 4},
    "theatre": {"treatment_procedure": 35, "medical_device": 20, "infrastructure": 9,
                "documentation": 8, "medication": 8, "clinical_assessment": 6,
                "infection_control": 4, "patient_accident": 4, "other": 6},
    "lab": {"documentation": 28, "clinical_assessment": 16, "medical_device": 15,
            "access_admission_transfer_discharge": 10, "infrastructure": 12,
            "consent_communication_confidentiality": 6, "other": 13},
    "office": {"infrastructure": 38, "consent_communication_confidentiality": 28, "other": 20,
               "disruptive_aggressive_behaviour": 10, "medication": 4},
}
_BASE["daycase"] = _BASE["clinic"] | {"treatment_procedure": 14, "medication": 11}
_BASE["imaging"] = _BASE["lab"] | {"treatment_procedure": 12, "patient_accident": 6}
_BASE["community"] = _BASE["ward"] | {"patient_accident": 30, "implementation_of_care": 22}
_BASE["mh"] = {"self_harm": 30, "disruptive_aggressive_behaviour": 30,
               "access_admission_transfer_discharge": 15, "medication": 10,
               "clinical_assessment": 10, "other": 5}

# Physical harm mix (none, low, moderate, severe, fatal) by category.
_HARM = {
    "patient_accident": (0.60, 0.338, 0.055, 0.006, 0.001),
    "medication": (0.78, 0.165, 0.050, 0.004, 0.001),
    "implementation_of_care": (0.56, 0.34, 0.08, 0.016, 0.004),
    "clinical_assessment": (0.62, 0.26, 0.095, 0.019, 0.006),
    "treatment_procedure": (0.63, 0.25, 0.10, 0.015, 0.005),
    "access_admission_transfer_discharge": (0.78, 0.18, 0.035, 0.004, 0.001),
    "self_harm": (0.55, 0.34, 0.09, 0.015, 0.005),
}
_HARM_DEFAULT = (0.77, 0.19, 0.037, 0.0025, 0.0005)
HARM_P = np.array([_HARM.get(c, _HARM_DEFAULT) for c in NRLS_CATEGORIES])

# Share of each category that is a patient-safety incident (the rest: staff, security, estates).
_PS = {"disruptive_aggressive_behaviour": 0.35, "infrastructure": 0.45, "other": 0.6,
       "consent_communication_confidentiality": 0.8}
PS_P = np.array([_PS.get(c, 0.98) for c in NRLS_CATEGORIES])

SUBCATEGORIES = {
    "patient_accident": ("fall",) * 9 + ("collision", "burn_scald"),
    "medication": ("administration", "prescribing", "dispensing", "omitted_dose", "monitoring"),
    "implementation_of_care": ("pressure_ulcer", "delayed_treatment", "nutrition_hydration",
                               "vte_prevention"),
    "clinical_assessment": ("deterioration_not_recognised", "delayed_diagnosis",
                            "test_results_not_acted_on"),
    "access_admission_transfer_discharge": ("delayed_discharge", "transfer_problem",
                                            "cancelled_appointment", "corridor_care"),
    "treatment_procedure": ("procedural_complication", "wrong_procedure", "delay"),
    "documentation": ("missing_records", "wrong_patient_label", "illegible"),
    "infection_control": ("hcai", "outbreak", "sharps"),
    "medical_device": ("failure", "user_error", "unavailable"),
    "disruptive_aggressive_behaviour": ("verbal_abuse", "physical_assault", "racial_abuse"),
    "infrastructure": ("staffing", "it_system", "estates", "equipment_shortage"),
    "consent_communication_confidentiality": ("information_breach", "consent",
                                              "communication"),
    "self_harm": ("self_harm_inpatient", "ligature"),
    "patient_abuse": ("by_staff", "by_visitor"),
    "other": ("other",),
}
NEVER_EVENT_TYPES = (
    ("treatment_procedure", "wrong_site_surgery"),
    ("treatment_procedure", "retained_foreign_object"),
    ("treatment_procedure", "wrong_implant"),
    ("medication", "wrong_route_administration"),
    ("medication", "insulin_overdose"),
)
LEARNING = ("PSII", "AAR", "SWARM", "MDT", "ROUND_TABLE", "THEMATIC", "NONE")
LEARNING_P_MODERATE = (0.08, 0.32, 0.22, 0.12, 0.09, 0.05, 0.12)
LEARNING_DAYS = np.array([90, 42, 14, 30, 21, 120, 0])
ETHNIC = tuple("ABCDEFGHJKLMNPRSZ")
ETHNIC_P = (0.66, 0.01, 0.05, 0.01, 0.01, 0.005, 0.01, 0.05, 0.04, 0.015, 0.015, 0.02, 0.02,
            0.005, 0.01, 0.015, 0.06)
IMD_P = (0.15, 0.14, 0.12, 0.11, 0.10, 0.09, 0.08, 0.08, 0.07, 0.06)
# Reporting lag in days: ~81% within two days (D01).
LAG_BUCKETS = ((0, 0, 0.47), (1, 1, 0.22), (2, 2, 0.12), (3, 7, 0.10), (8, 30, 0.07),
               (31, 90, 0.02))
LFPSE_GO_LIVE = dt.date(2024, 4, 1)


def _profiles(world: World) -> np.ndarray:
    """(n_loc, 15) category weights; wards get their CSU's falls factor."""
    out = np.zeros((len(world.loc_code), len(NRLS_CATEGORIES)))
    templates = [t for _c, _n, t in world.trust.csus]
    for i, k in enumerate(world.loc_kind):
        kind = KINDS[k]
        for cat, w in _BASE[kind].items():
            out[i, CAT[cat]] = w
        if kind in ("ward", "community"):
            out[i, CAT["patient_accident"]] *= templates[world.loc_csu[i]].falls_factor
    return out


def _expected(world: World) -> np.ndarray:
    """(n_loc, n_all_months) expected incidents by occurrence month."""
    kinds = [KINDS[k] for k in world.loc_kind]
    rate = np.array([world.trust.csus[c][2].incidents_per_1000_bed_days for c in world.loc_csu])
    fixed = np.array([KIND_INCIDENTS[k] for k in kinds])
    days = np.array([mo.days for mo in world.all_months], dtype=float)
    winter = 1 + 0.06 * np.cos(2 * np.pi * (np.array([mo.month for mo in world.all_months]) - 1)
                               / 12)
    lam = (world.bed_days * rate[:, None] / 1000 + world.ae_att * 0.008
           + fixed[:, None] * days[None, :] / 30.4) * winter[None, :]
    return lam * INCIDENT_SCALE * world.trust.offsets["reporting"]


def _lag(rng: np.random.Generator, n: int) -> np.ndarray:
    bucket = categorical(rng, np.array([b[2] for b in LAG_BUCKETS]), n)
    lo = np.array([b[0] for b in LAG_BUCKETS])[bucket]
    hi = np.array([b[1] for b in LAG_BUCKETS])[bucket]
    return lo + (rng.random(n) * (hi - lo + 1)).astype(np.int64)


def simulate(world: World) -> dict[str, np.ndarray]:
    """Every incident with its whole lifecycle (day numbers; NEVER = not (yet) happened)."""
    trust = world.trust
    rng = stream(world.seed, trust.index, "incidents")
    months = world.all_months
    firsts = np.array([day_number(mo.first) for mo in months])
    lens = np.array([mo.days for mo in months])
    counts = rng.poisson(_expected(world))
    loc = np.repeat(np.arange(counts.shape[0]), counts.sum(axis=1))
    mon = np.concatenate([np.repeat(np.arange(counts.shape[1]), row) for row in counts])
    occurred = firsts[mon] + (rng.random(len(loc)) * lens[mon]).astype(np.int64)
    cat = categorical(rng, _profiles(world), loc)
    n = len(loc)
    sub_u = rng.random(n)
    never_event = np.zeros(n, dtype=bool)

    extra_loc: list[np.ndarray] = []
    extra_day: list[np.ndarray] = []
    extra_cat: list[np.ndarray] = []
    extra_harm: list[np.ndarray] = []
    extra_sub: list[np.ndarray] = []
    extra_ne: list[np.ndarray] = []
    # Never events: a few a year, in theatres, day-case units and surgical wards.
    ne_rng = stream(world.seed, trust.index, "never-events")
    surgical = np.flatnonzero(np.isin(world.loc_kind, [KINDS.index("theatre"),
                                                        KINDS.index("daycase")]))
    if len(surgical) == 0:
        surgical = np.arange(len(world.loc_code))
    ne_counts = ne_rng.poisson(0.28 * max(trust.size, 0.2), len(months))
    if ne_counts.sum():
        k = int(ne_counts.sum())
        ne_mon = np.repeat(np.arange(len(months)), ne_counts)
        types = ne_rng.integers(0, len(NEVER_EVENT_TYPES), k)
        extra_loc.append(ne_rng.choice(surgical, k))
        extra_day.append(firsts[ne_mon] + (ne_rng.random(k) * lens[ne_mon]).astype(np.int64))
        extra_cat.append(np.array([CAT[NEVER_EVENT_TYPES[t][0]] for t in types]))
        extra_sub.append(np.array([NEVER_EVENT_TYPES[t][1] for t in types], dtype=object))
        extra_harm.append(categorical(ne_rng, np.array([0.05, 0.30, 0.48, 0.15, 0.02]), k))
        extra_ne.append(np.ones(k, dtype=bool))

    # Planted signal 3: a one-month spike of severe/fatal harm in one CSU.
    spike_csu = world.csu_index(SEVERE_HARM_SPIKE.csu_code)
    spike_month = [mo.label for mo in months].index(SEVERE_HARM_SPIKE.month) if (
        SEVERE_HARM_SPIKE.month in [mo.label for mo in world.months]) else None
    if trust.plants_signals and spike_csu is not None and spike_month is not None:
        k = int(SEVERE_HARM_SPIKE.effect)
        srng = stream(world.seed, trust.index, "spike")
        where = np.flatnonzero((world.loc_csu == spike_csu) & np.isin(
            world.loc_kind, [KINDS.index("ward"), KINDS.index("ed")]))
        cats = [CAT["clinical_assessment"], CAT["implementation_of_care"],
                CAT["access_admission_transfer_discharge"]]
        extra_loc.append(srng.choice(where, k))
        extra_day.append(firsts[spike_month] + srng.integers(0, lens[spike_month], k))
        extra_cat.append(srng.choice(cats, k))
        extra_sub.append(np.array(["delayed_treatment"] * k, dtype=object))
        extra_harm.append(np.where(srng.random(k) < 0.8, SEVERE, FATAL))
        extra_ne.append(np.zeros(k, dtype=bool))

    harm = categorical(rng, HARM_P, cat)
    sub = _subcategories(cat, sub_u)
    if extra_loc:
        loc = np.concatenate([loc, *extra_loc])
        occurred = np.concatenate([occurred, *extra_day])
        cat = np.concatenate([cat, *extra_cat])
        harm = np.concatenate([harm, *extra_harm])
        sub = np.concatenate([sub, *extra_sub])
        never_event = np.concatenate([never_event, *extra_ne])
        n = len(loc)
    csu = world.csu_at(loc, occurred)

    # Planted signals 1 and 4: falls prevention in a CSU from a date (the project's own CSU,
    # then where it spread): fewer falls, less harm. One pair of draws serves every CSU.
    keep = np.ones(n, dtype=bool)
    after = np.zeros(n, dtype=bool)
    for step in FALLS_STEPS:
        falls_csu = world.csu_index(step.csu_code)
        if trust.plants_signals and falls_csu is not None:
            after |= ((csu == falls_csu) & (occurred >= day_number(dt.date.fromisoformat(
                step.month + "-01"))) & (cat == CAT["patient_accident"]) & (sub == "fall"))
    if after.any():
        frng = stream(world.seed, trust.index, "falls-project")
        u1, u2 = frng.random(n), frng.random(n)
        keep &= ~(after & (u1 < 0.20))
        harm = np.where(after & (harm >= LOW) & (u2 < 0.30), NONE, harm)

    lag = _lag(rng, n)
    reported = occurred + lag
    first_day = day_number(world.months[0].first)
    keep &= (reported >= first_day) & (reported <= world.end_day)
    sel = np.flatnonzero(keep)
    loc, occurred, reported, cat, harm, sub, never_event, csu = (
        a[sel] for a in (loc, occurred, reported, cat, harm, sub, never_event, csu))
    n = len(sel)

    event_type = categorical(rng, np.array([0.955, 0.02, 0.012, 0.013]), n)
    good_care = event_type == 3
    is_ps = (rng.random(n) < PS_P[cat]) & ~good_care
    is_ps |= never_event
    cat = np.where(good_care, CAT["other"], cat)
    harm = np.where(good_care, NONE, harm)
    sub = np.where(good_care, "good_practice", sub)

    # Regrading after review: some harm incidents were first graded lower, a few higher.
    upgrade = (harm >= MODERATE) & is_ps & (rng.random(n) < 0.22)
    downgrade = (harm <= LOW) & is_ps & (rng.random(n) < 0.012)
    initial = harm.copy()
    initial[upgrade] = np.where(rng.random(int(upgrade.sum())) < 0.7, LOW, NONE)
    initial[downgrade] = MODERATE
    regraded = upgrade | downgrade
    regrade_day = np.where(regraded, reported + 2 + rng.geometric(1 / 20, n), NEVER)

    # Learning responses (PSIRF) for moderate harm or worse, and a few low-harm swarms.
    lr = np.full(n, -1)
    serious = is_ps & (harm >= MODERATE)
    lr[serious] = categorical(rng, np.array(LEARNING_P_MODERATE), int(serious.sum()))
    psii = serious & (never_event | (harm == FATAL)) & (rng.random(n) < 0.7)
    lr[psii] = 0
    low_lr = is_ps & (harm == LOW) & (rng.random(n) < 0.04)
    lr[low_lr] = categorical(rng, np.array([0, 0.4, 0.45, 0, 0.15, 0, 0]), int(low_lr.sum()))
    lr_start = np.where(lr >= 0, np.where(upgrade, regrade_day, reported + rng.integers(
        0, 5, n)), NEVER)
    has_due = (lr >= 0) & (lr != LEARNING.index("NONE"))
    due = np.where(has_due, lr_start + LEARNING_DAYS[np.maximum(lr, 0)], NEVER)
    span = LEARNING_DAYS[np.maximum(lr, 0)]
    on_time = rng.random(n) < 0.78
    done = np.where(on_time, due - (rng.random(n) * 0.6 * span).astype(np.int64),
                    due + 1 + rng.exponential(25, n).astype(np.int64))
    done = np.where(has_due & (rng.random(n) < 0.97), np.maximum(done, lr_start + 1), NEVER)

    # Closure: most within 30 days; harm incidents take longer; a few stay open or are rejected.
    csu_speed = stream(world.seed, trust.index, "closure-speed").lognormal(
        0, 0.25, len(world.csu_codes))
    median = np.where(harm >= MODERATE, 34.0, 7.0) * csu_speed[csu]
    sigma = np.where(harm >= MODERATE, 0.6, 0.95)
    delay = np.round(median * np.exp(sigma * rng.standard_normal(n))).astype(np.int64)
    closed = reported + delay
    closed = np.where(regraded, np.maximum(closed, regrade_day + 1), closed)
    closed = np.where(rng.random(n) < 0.015, NEVER, closed)
    rejected = (rng.random(n) < 0.01) & ~serious & ~never_event

    tod = rng.integers(8 * 3600, 22 * 3600, (n, 5))  # report, regrade, lr done, closure, lr
    order = np.lexsort((tod[:, 0], reported))
    number = np.empty(n, dtype=np.int64)
    number[order] = np.arange(n)
    return {
        "number": number, "loc": loc, "csu": csu, "occurred": occurred, "reported": reported,
        "category": cat, "subcategory": sub, "harm": harm, "initial_harm": initial,
        "regrade_day": regrade_day, "is_ps": is_ps, "event_type": event_type,
        "never_event": never_event, "lr": lr, "lr_start": lr_start, "due": due, "done": done,
        "closed": closed, "rejected": rejected, "tod": tod,
        "psych": np.where(rng.random(n) < 0.65, categorical(
            rng, np.array([0.80, 0.15, 0.04, 0.01]), n), -1),
        "imd": np.where(is_ps & (rng.random(n) < 0.86), categorical(
            rng, np.array(IMD_P), n) + 1, 0),
        "ethnic": np.where(is_ps & (rng.random(n) < 0.9), categorical(
            rng, np.array(ETHNIC_P), n), -1),
        "specialty_u": rng.random(n),
        "specialty_missing": rng.random(n) < 0.06,
        "candour": rng.random(n) < 0.92,
    }


def _subcategories(cat: np.ndarray, u: np.ndarray) -> np.ndarray:
    out = np.empty(len(cat), dtype=object)
    for c, name in enumerate(NRLS_CATEGORIES):
        idx = np.flatnonzero(cat == c)
        options = SUBCATEGORIES[name]
        out[idx] = np.array(options, dtype=object)[(u[idx] * len(options)).astype(np.int64)]
    return out


def incidents(world: World) -> Iterator[tuple[dt.date, pl.DataFrame]]:
    s = simulate(world)
    end_month = world.months[-1].index
    rep_m = month_index_of_days(s["reported"])

    def month_or_none(days: np.ndarray) -> np.ndarray:
        m = month_index_of_days(np.minimum(days, world.end_day + 1))
        return np.where(days <= world.end_day, m, -1)

    candidates = np.stack([rep_m, month_or_none(s["regrade_day"]), month_or_none(s["lr_start"]),
                           month_or_none(s["done"]), month_or_none(s["closed"])], axis=1)
    candidates = np.sort(candidates, axis=1)
    fresh = np.ones_like(candidates, dtype=bool)
    fresh[:, 1:] = candidates[:, 1:] != candidates[:, :-1]
    fresh &= candidates >= 0
    inc_idx, _ = np.nonzero(fresh)
    emit_month = candidates[fresh]
    by_month = np.argsort(emit_month, kind="stable")
    inc_idx, emit_month = inc_idx[by_month], emit_month[by_month]
    bounds = np.searchsorted(emit_month, np.arange(world.months[0].index, end_month + 2))
    extract_days = month_last_day(np.arange(world.months[0].index, end_month + 1))
    for k, mo in enumerate(world.months):
        rows = inc_idx[bounds[k]:bounds[k + 1]]
        rows = rows[np.argsort(s["number"][rows], kind="stable")]
        yield mo.last, _frame(world, s, rows, int(extract_days[k]))



def _frame(world: World, s: dict[str, np.ndarray], rows: np.ndarray, e: int) -> pl.DataFrame:
    g = {k: v[rows] for k, v in s.items()}
    m = len(rows)
    regraded_now = g["regrade_day"] <= e
    harm = np.where(regraded_now, g["harm"], g["initial_harm"])
    closed_now = g["closed"] <= e
    is_closed = closed_now & ~g["rejected"]
    is_rejected = closed_now & g["rejected"]
    age = e - g["reported"]
    status = np.where(is_closed, 3, np.where(is_rejected, 4, np.where(
        harm >= MODERATE, 1, np.where(age > 10, 2, 0))))
    lr_visible = (g["lr"] >= 0) & (g["lr_start"] <= e)
    done_visible = lr_visible & (g["done"] <= e)
    events = np.stack([g["reported"], g["regrade_day"], np.where(done_visible, g["done"], NEVER),
                       g["closed"], np.where(lr_visible, g["lr_start"], NEVER)], axis=1)
    seconds = events * 86400 + g["tod"]
    seconds = np.where(events <= e, seconds, -1).max(axis=1)
    org = world.trust.org_code
    templates = [t for _c, _n, t in world.trust.csus]
    spec_codes = np.array([
        "" if g["specialty_missing"][i] or not templates[g["csu"][i]].specialties
        else templates[g["csu"][i]].specialties[
            int(g["specialty_u"][i] * len(templates[g["csu"][i]].specialties))]
        for i in range(m)], dtype=object)
    lfpse = (g["is_ps"] & (g["reported"] >= day_number(LFPSE_GO_LIVE)))
    lfpse_hex = splitmix64((np.uint64(world.trust.index) << np.uint64(32))
                           | g["number"].astype(np.uint64))
    statuses = np.array(["open", "under_review", "awaiting_approval", "closed", "rejected"])

    def yn(mask: np.ndarray) -> np.ndarray:
        return np.where(mask, "Y", "N")

    def date_col(days: np.ndarray, visible: np.ndarray) -> pl.Series:
        return pl.Series(np.where(visible, days, 0)).cast(pl.Int32).cast(pl.Date).set(
            pl.Series(~visible), None)

    return pl.DataFrame({
        "incident_id": [f"{org}W{100001 + x}" for x in g["number"]],
        "lfpse_ref": [f"{h:016X}"[:12] if ok else None for h, ok in zip(lfpse_hex, lfpse)],
        "event_type": np.array(["incident", "outcome", "risk", "good_care"])[g["event_type"]],
        "is_patient_safety": yn(g["is_ps"]),
        "incident_date": pl.Series(g["occurred"]).cast(pl.Int32).cast(pl.Date),
        "reported_date": pl.Series(g["reported"]).cast(pl.Int32).cast(pl.Date),
        "closed_date": date_col(g["closed"], is_closed),
        "status": statuses[status],
        "site_code": world.loc_site[g["loc"]],
        "location_code": world.loc_code[g["loc"]],
        "csu_code": np.array(world.csu_codes)[g["csu"]],
        "specialty_code": pl.Series(spec_codes, dtype=pl.String).replace("", None),
        "category": np.array(NRLS_CATEGORIES)[g["category"]],
        "subcategory": pl.Series(g["subcategory"], dtype=pl.String),
        "physical_harm": np.array(HARM_LEVELS)[harm],
        "psychological_harm": pl.Series(np.array(["none", "low", "moderate", "severe", ""])[
            g["psych"]]).replace("", None),
        "is_never_event": yn(g["never_event"]),
        "duty_of_candour": yn(g["is_ps"] & (harm >= MODERATE) & g["candour"]),
        "learning_response": pl.Series(np.where(lr_visible, np.array(LEARNING + ("",))[
            g["lr"]], "")).replace("", None),
        "learning_response_due": date_col(g["due"], lr_visible & (g["due"] < NEVER)),
        "learning_response_completed": date_col(g["done"], done_visible),
        "patient_imd_decile": pl.Series(g["imd"]).replace(0, None),
        "patient_ethnic_group": pl.Series(np.where(g["ethnic"] >= 0, np.array(ETHNIC + ("",))[
            g["ethnic"]], "")).replace("", None),
        "last_modified": pl.Series(seconds * 1_000_000).cast(pl.Datetime("us")),
    })
