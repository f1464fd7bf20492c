"""Surveys: Friends and Family Test (monthly), NHS Staff Survey (yearly), Quarterly Pulse."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator

import numpy as np
import polars as pl

from dagster_project.contracts.extracts import ESR_STAFF_GROUPS, STAFF_SURVEY_THEMES

from .periods import Month, day_number
from .reference import Roster, World, csu_by_month
from .signals import FFT_DECLINE
from .streams import stream

# --- Friends and Family Test ---------------------------------------------------------------

# setting: (positive share, response rate, eligible per month for a non-bed location)
FFT_SETTING = {
    "inpatient": (0.952, 0.25, 0),
    "ae": (0.80, 0.12, 0),
    "maternity": (0.93, 0.22, 420),
    "outpatient": (0.94, 0.07, 1600),
    "community": (0.95, 0.09, 900),
    "mental_health": (0.87, 0.12, 160),
}
# How a non-positive answer splits: neither, poor, very poor, don't know.
NON_POSITIVE = np.array([0.42, 0.21, 0.19, 0.18])


def fft(world: World) -> Iterator[tuple[dt.date, pl.DataFrame]]:
    trust = world.trust
    rng = stream(world.seed, trust.index, "fft")
    pairs = [(i, s) for i, loc in enumerate(trust.locations) for s in loc.fft]
    if not pairs:
        return
    loc = np.array([p[0] for p in pairs])
    setting = np.array([p[1] for p in pairs])
    n = len(pairs)
    csu_m = csu_by_month(world)
    base_p = np.array([FFT_SETTING[s][0] for s in setting]) + trust.offsets["fft"] + np.where(
        setting == "ae", rng.normal(0, 0.03, n), rng.normal(0, 0.012, n))
    rr = np.clip(np.array([FFT_SETTING[s][1] for s in setting]) * rng.lognormal(0, 0.2, n),
                 0.02, 0.6)
    fixed = np.array([FFT_SETTING[s][2] for s in setting]) * rng.uniform(0.6, 1.4, n) * (
        trust.size ** 0.3)
    has_eligible = np.isin(setting, ["inpatient", "ae", "maternity"]) | (rng.random(n) < 0.5)
    is_daycase = world.loc_kind[loc] == 1
    decline_csu = world.csu_index(FFT_DECLINE.csu_code)
    labels = [mo.label for mo in world.months]
    decline_start = labels.index(FFT_DECLINE.month) if FFT_DECLINE.month in labels else None
    for k, mo in enumerate(world.months):
        j = k + 1  # column in the location x month arrays (0 is the lead-in month)
        eligible = np.where(setting == "inpatient", world.admissions[loc, j],
                            np.where(setting == "ae", world.ae_att[loc, j], fixed))
        eligible = np.where(is_daycase, eligible * np.where(setting == "inpatient", 0.6, 0.4),
                            eligible)
        eligible = np.round(eligible * rng.uniform(0.9, 1.1, n)).astype(np.int64)
        responses = rng.binomial(eligible, rr)
        p = np.clip(base_p + rng.normal(0, 0.004, n), 0.5, 0.995)
        positive = rng.binomial(responses, p)
        csu = csu_m[loc, j]
        if (trust.plants_signals and decline_csu is not None and decline_start is not None
                and k >= decline_start):
            # Planted signal 2: the CSU's inpatient positive share falls a fixed step a month.
            # Counts are apportioned from the CSU total so the CSU's share follows the path
            # exactly (to half a response), whatever the ward-level noise.
            sel = np.flatnonzero((csu == decline_csu) & (setting == "inpatient"))
            target = 0.952 + FFT_DECLINE.effect * (k - decline_start + 1)
            positive[sel] = _apportion(responses[sel], target)
        very_good = rng.binomial(positive, 0.79)
        rest = rng.multinomial(responses - positive, NON_POSITIVE)
        keep = np.flatnonzero(responses > 0)
        df = pl.DataFrame({
            "period": [mo.label] * len(keep),
            "site_code": world.loc_site[loc[keep]],
            "ward_code": world.loc_code[loc[keep]],
            "csu_code": np.array(world.csu_codes)[csu[keep]],
            "setting": setting[keep],
            "very_good": very_good[keep],
            "good": (positive - very_good)[keep],
            "neither": rest[keep, 0],
            "poor": rest[keep, 1],
            "very_poor": rest[keep, 2],
            "dont_know": rest[keep, 3],
            "total_responses": responses[keep],
            "total_eligible": pl.Series(np.where(has_eligible, eligible, -1)[keep]).replace(
                -1, None),
        })
        yield mo.last, df


def _apportion(responses: np.ndarray, share: float) -> np.ndarray:
    """Integer positives per ward summing to round(share x total), by largest remainder."""
    total = int(responses.sum())
    want = round(share * total)
    raw = responses * share
    out = np.floor(raw).astype(np.int64)
    short = want - int(out.sum())
    if short > 0:
        order = np.argsort(-(raw - out), kind="stable")
        room = order[out[order] < responses[order]]
        out[room[:short]] += 1
    return np.minimum(out, responses)


# --- NHS Staff Survey ----------------------------------------------------------------------

THEME_MEAN = {"PP1": 7.2, "PP2": 5.95, "PP3": 6.7, "PP4": 6.1, "PP5": 5.75, "PP6": 6.2,
              "PP7": 6.7, "ENGAGEMENT": 6.8, "MORALE": 5.95}
PUBLISHED = (3, 7)  # results are published in March of the following year


def staff_survey(world: World, roster: Roster, national: bool
                 ) -> Iterator[tuple[dt.date, pl.DataFrame]]:
    trust = world.trust
    rng = stream(world.seed, trust.index, "staff-survey")
    first, last = world.months[0].first, world.months[-1].last
    n_csu = len(world.csu_codes)
    n_groups = len(ESR_STAFF_GROUPS)
    themes = list(STAFF_SURVEY_THEMES)
    t = len(themes)
    csu_effect = rng.normal(0, 0.22, (n_csu, 1)) + rng.normal(0, 0.08, (n_csu, t))
    csu_trend = rng.normal(0, 0.08, (n_csu, 1))
    group_effect = rng.normal(0, 0.15, (n_groups, 1)) + rng.normal(0, 0.06, (n_groups, t))
    csu_rate = rng.uniform(0.32, 0.6, n_csu)
    group_rate = np.full(n_groups, 0.46)
    group_rate[ESR_STAFF_GROUPS.index("students")] = 0.012  # few students answer: under 11
    base = np.array([THEME_MEAN[x] for x in themes]) + trust.offsets["engagement"]
    for year in range(first.year - 1, last.year + 1):
        published = dt.date(year + 1, *PUBLISHED)
        if not first <= published <= last:
            continue
        yrng = stream(world.seed, trust.index, "staff-survey-year", year)
        drift = 0.05 * (year - 2023)
        bench_avg = np.array([THEME_MEAN[x] for x in themes]) + drift + yrng.normal(0, 0.03, t)
        idx = roster.active(day_number(dt.date(year, 10, 1)))
        head_csu = np.bincount(roster.csu[idx], minlength=n_csu)
        head_grp = np.bincount(roster.group[idx], minlength=n_groups)
        k = year - 2023
        csu_scores = base + drift + csu_effect + csu_trend * k + yrng.normal(0, 0.07, (n_csu, t))
        grp_scores = base + drift + group_effect + yrng.normal(0, 0.07, (n_groups, t))
        csu_resp = yrng.binomial(head_csu, csu_rate)
        grp_resp = yrng.binomial(head_grp, group_rate)
        weights = np.maximum(csu_resp, 1)[:, None]
        org_score = (csu_scores * weights).sum(axis=0) / weights.sum()
        staff_codes = [f"{trust.org_code}-{g}" if national else g for g in ESR_STAFF_GROUPS]
        blocks = [("organisation", [trust.org_code], org_score[None, :],
                   np.array([csu_resp.sum()])),
                  ("csu", world.csu_codes, csu_scores, csu_resp),
                  ("staff_group", staff_codes, grp_scores, grp_resp)]
        frames = []
        for btype, codes, scores, resp in blocks:
            present = [i for i in range(len(codes)) if btype == "organisation" or (
                (head_csu if btype == "csu" else head_grp)[i] > 0)]
            if not present:
                continue
            sc = np.clip(scores[present], 5.5, 7.5)
            m = len(present)
            frames.append(pl.DataFrame({
                "survey_year": np.full(m * t, year),
                "breakdown_type": [btype] * (m * t),
                "breakdown_code": np.repeat(np.array(codes, dtype=object)[present], t),
                "theme_code": np.tile(themes, m),
                "score": np.round(sc.ravel(), 2),
                "responses": np.repeat(resp[present], t).astype(np.int64),
                "benchmark_best": np.tile(np.round(bench_avg + 0.45, 2), m),
                "benchmark_average": np.tile(np.round(bench_avg, 2), m),
                "benchmark_worst": np.tile(np.round(bench_avg - 0.55, 2), m),
            }))
        yield published, pl.concat(frames)


# --- National Quarterly Pulse Survey ---------------------------------------------------------

def _normal_cdf(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))


def pulse(world: World, roster: Roster) -> Iterator[tuple[dt.date, pl.DataFrame]]:
    trust = world.trust
    rng = stream(world.seed, trust.index, "pulse")
    n_csu = len(world.csu_codes)
    csu_effect = rng.normal(0, 0.35, n_csu) + trust.offsets["engagement"]
    csu_slope = rng.normal(0, 0.03, n_csu)
    item_effect = rng.normal(0, 0.35, 9)
    rate = rng.uniform(0.08, 0.22, n_csu)
    first = world.months[0]
    last_day = world.months[-1].last
    quarters: list[Month] = []
    for mo in world.months:
        if mo.month in (1, 4, 7, 10):
            quarters.append(mo)
    cuts = np.array([1.5, 2.5, 3.5, 4.5])
    for qi, q in enumerate(quarters):
        published = q.shift(3).last  # the month after the quarter ends
        if published > last_day or q.index < first.index:
            continue
        idx = roster.active(day_number(q.shift(1).first))
        respondents = rng.binomial(np.bincount(roster.csu[idx], minlength=n_csu), rate)
        mean10 = (6.7 + csu_effect + csu_slope * qi)[:, None] + item_effect[None, :] + rng.normal(
            0, 0.12, (n_csu, 9))
        latent = 1 + 4 * np.clip(mean10, 1, 9.5) / 10  # on the 1..5 answer scale
        cdf = _normal_cdf((cuts[None, None, :] - latent[:, :, None]) / 0.95)
        probs = np.diff(np.concatenate([np.zeros((n_csu, 9, 1)), cdf, np.ones((n_csu, 9, 1))],
                                       axis=2), axis=2)
        answered = rng.binomial(np.repeat(respondents[:, None], 9, axis=1), 0.97)
        counts = rng.multinomial(answered, probs)  # (n_csu, 9, 5)
        keep = respondents > 0
        m = int(keep.sum())
        c = counts[keep].reshape(m * 9, 5)
        yield published, pl.DataFrame({
            "quarter": [f"{q.year}-Q{q.quarter}"] * (m * 9),
            "csu_code": np.repeat(np.array(world.csu_codes)[keep], 9),
            "item": np.tile(np.arange(1, 10), m),
            "strongly_disagree": c[:, 0], "disagree": c[:, 1], "neither": c[:, 2],
            "agree": c[:, 3], "strongly_agree": c[:, 4],
        })
