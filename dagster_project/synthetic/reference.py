"""The trust's shared state for a run (locations, monthly activity, staff roster) and the
reference extracts built from it: org_structure, activity and workforce.

Everything else is generated from this state, so the extracts agree with one another: incidents
follow bed days, FFT eligibility follows discharges, training rows follow the roster, and the
workforce headcount is the roster counted at each month end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import polars as pl

from dagster_project.contracts.extracts import ESR_STAFF_GROUPS

from .periods import NEVER, Month, day_number
from .streams import categorical, stream
from .trust import ESR_GROUP_DEFAULT, Trust

ESTABLISHED = dt.date(2020, 4, 1)  # valid_from of the trust's current structure
KINDS = ("ward", "daycase", "ed", "maternity", "clinic", "imaging", "community", "mh",
         "theatre", "lab", "office")


@dataclass
class World:
    """One trust over one run's months (plus one lead-in month for incidents)."""

    seed: int
    trust: Trust
    months: list[Month]  # the delivered months, oldest first
    end_day: int  # last day of the last month (day number)
    # Locations (n_loc)
    loc_code: np.ndarray
    loc_site: np.ndarray
    loc_kind: np.ndarray  # index into KINDS
    loc_csu: np.ndarray  # trust CSU index before any move
    loc_csu_after: np.ndarray  # trust CSU index after the move (= loc_csu if none)
    loc_move_day: np.ndarray  # day number of the move (NEVER if none)
    loc_beds: np.ndarray
    # Location x month (lead-in month first, then `months`)
    bed_days: np.ndarray
    admissions: np.ndarray
    ae_att: np.ndarray
    ae_4h: np.ndarray
    # CSU codes in trust order
    csu_codes: list[str]
    csu_templates: list[str]

    @property
    def all_months(self) -> list[Month]:
        return [self.months[0].shift(-1), *self.months]

    def csu_at(self, loc: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Trust CSU index of each location on each day (moves take effect on their date)."""
        return np.where(day >= self.loc_move_day[loc], self.loc_csu_after[loc], self.loc_csu[loc])

    def csu_index(self, template_code: str) -> int | None:
        return (self.csu_templates.index(template_code)
                if template_code in self.csu_templates else None)


def build_world(seed: int, trust: Trust, months: list[Month]) -> World:
    rng = stream(seed, trust.index, "activity")
    csu_codes = [c for c, _n, _t in trust.csus]
    csu_templates = [t.code for _c, _n, t in trust.csus]
    locs = trust.locations
    n = len(locs)
    cidx = {c: i for i, c in enumerate(csu_codes)}
    loc_csu = np.array([cidx[loc.csu_code] for loc in locs])
    loc_after = np.array([cidx[loc.moves_to] if loc.moves_to else cidx[loc.csu_code]
                          for loc in locs])
    move_day = np.array([day_number(loc.move_date) if loc.move_date else NEVER for loc in locs],
                        dtype=np.int64)
    kind = np.array([KINDS.index(loc.kind) for loc in locs])
    beds = np.array([loc.beds for loc in locs], dtype=float)
    alos = np.array([trust.csus[loc_csu[i]][2].alos for i in range(n)])
    all_months = [months[0].shift(-1), *months]
    m = len(all_months)
    days = np.array([mo.days for mo in all_months], dtype=float)
    winter = np.cos(2 * np.pi * (np.array([mo.month for mo in all_months]) - 1) / 12)

    occupancy = np.clip(rng.normal(0.91, 0.025, (n, 1)) + 0.03 * winter
                        + rng.normal(0, 0.015, (n, m)), 0.6, 0.995)
    bed_days = np.round(beds[:, None] * occupancy * days).astype(np.int64)
    admissions = rng.poisson(bed_days / alos[:, None])
    is_daycase = kind == KINDS.index("daycase")
    daycase_base = rng.uniform(350, 900, n) * trust.size ** 0.3
    admissions[is_daycase] += rng.poisson(
        np.outer(daycase_base[is_daycase], 1 - 0.03 * winter))
    ae_base = np.array([loc.ed_attendances for loc in locs], dtype=float)
    ae_att = rng.poisson(np.outer(ae_base, days / 30.4 * (1 + 0.04 * np.sin(
        2 * np.pi * (np.array([mo.month for mo in all_months]) - 3) / 12))))
    base_4h = np.array([trust.csus[loc_csu[i]][2].ae_4h for i in range(n)]) + trust.offsets[
        "ae_4h"]
    p4h = np.clip(base_4h[:, None] - 0.035 * np.maximum(winter, 0)
                  + rng.normal(0, 0.015, (n, m)), 0.45, 0.98)
    ae_4h = rng.binomial(ae_att, p4h)
    return World(
        seed=seed, trust=trust, months=months, end_day=day_number(months[-1].last),
        loc_code=np.array([loc.code for loc in locs]), loc_site=np.array(
            [loc.site_code for loc in locs]), loc_kind=kind, loc_csu=loc_csu,
        loc_csu_after=loc_after, loc_move_day=move_day, loc_beds=beds, bed_days=bed_days,
        admissions=admissions, ae_att=ae_att, ae_4h=ae_4h, csu_codes=csu_codes,
        csu_templates=csu_templates)


def csu_by_month(world: World) -> np.ndarray:
    """(n_loc, n_all_months) trust CSU index of each location in each month."""
    firsts = np.array([day_number(mo.first) for mo in world.all_months])
    return np.where(firsts[None, :] >= world.loc_move_day[:, None],
                    world.loc_csu_after[:, None], world.loc_csu[:, None])


# --- org_structure -------------------------------------------------------------------------

def org_structure(world: World) -> Iterator[tuple[dt.date, pl.DataFrame]]:
    trust = world.trust
    end = world.months[-1].last
    csu_names = {c: name for c, name, _t in trust.csus}
    sites = dict(trust.sites)
    rows = []
    for loc in trust.locations:
        moved = loc.move_date is not None and loc.move_date <= end
        rows.append((loc.site_code, loc.csu_code, loc.code, loc.name, ESTABLISHED,
                     loc.move_date - dt.timedelta(days=1) if moved else None))
        if moved:
            rows.append((loc.site_code, loc.moves_to, loc.code, loc.name, loc.move_date, None))
    df = pl.DataFrame(
        {
            "org_code": [trust.org_code] * len(rows),
            "org_name": [trust.org_name] * len(rows),
            "site_code": [r[0] for r in rows],
            "site_name": [sites[r[0]] for r in rows],
            "csu_code": [r[1] for r in rows],
            "csu_name": [csu_names[r[1]] for r in rows],
            "location_code": [r[2] for r in rows],
            "location_name": [r[3] for r in rows],
            "valid_from": [r[4] for r in rows],
            "valid_to": [r[5] for r in rows],
        },
        schema_overrides={"valid_from": pl.Date, "valid_to": pl.Date},
    )
    yield end, df


# --- activity ------------------------------------------------------------------------------

def activity(world: World) -> Iterator[tuple[dt.date, pl.DataFrame]]:
    csu_m = csu_by_month(world)
    n_csu = len(world.csu_codes)
    rng = stream(world.seed, world.trust.index, "discharges")

    def per_csu(values: np.ndarray, j: int) -> np.ndarray:
        return np.bincount(csu_m[:, j], weights=values[:, j], minlength=n_csu).astype(np.int64)

    for j, mo in enumerate(world.all_months[1:], start=1):
        adm = per_csu(world.admissions, j)
        dis = np.maximum(0, adm + np.round(rng.normal(0, 0.012, n_csu) * adm).astype(np.int64))
        df = pl.DataFrame({
            "month": [mo.label] * n_csu,
            "csu_code": world.csu_codes,
            "occupied_bed_days": per_csu(world.bed_days, j),
            "admissions": adm,
            "discharges": dis,
            "ae_attendances": per_csu(world.ae_att, j),
            "ae_within_4h": per_csu(world.ae_4h, j),
        })
        yield mo.last, df


# --- staff roster and workforce --------------------------------------------------------------

@dataclass
class Roster:
    csu: np.ndarray  # trust CSU index
    group: np.ndarray  # index into ESR_STAFF_GROUPS
    fte: np.ndarray
    start: np.ndarray  # day number
    leave: np.ndarray  # day number (NEVER = still employed)
    patient_facing: np.ndarray  # bool

    def active(self, day: int) -> np.ndarray:
        return np.flatnonzero((self.start <= day) & (self.leave > day))

    def __len__(self) -> int:
        return len(self.csu)


ANNUAL_TURNOVER = 0.10


def build_roster(world: World) -> Roster:
    trust = world.trust
    rng = stream(world.seed, trust.index, "roster")
    shares = np.array([t.staff_share for _c, _n, t in trust.csus])
    shares = shares / shares.sum()
    mixes = np.array([[(t.group_mix or ESR_GROUP_DEFAULT).get(g, 0.0) for g in ESR_STAFF_GROUPS]
                      for _c, _n, t in trust.csus])
    first = day_number(world.months[0].first)
    n0 = trust.staff
    monthly_hazard = ANNUAL_TURNOVER / 12
    joiners = rng.poisson(n0 * monthly_hazard, len(world.months))
    n = n0 + int(joiners.sum())
    csu = categorical(rng, shares, n)
    group = categorical(rng, mixes, csu)
    start = np.empty(n, dtype=np.int64)
    start[:n0] = first - 1 - rng.integers(0, 365 * 15, n0)
    month_first = np.repeat([day_number(mo.first) for mo in world.months], joiners)
    month_len = np.repeat([mo.days for mo in world.months], joiners)
    start[n0:] = month_first + (rng.random(n - n0) * month_len).astype(np.int64)
    mean_stay = 365.25 / ANNUAL_TURNOVER
    leave = np.maximum(start + 1, np.maximum(start, first) + rng.exponential(
        mean_stay, n).astype(np.int64))
    leave = np.where(leave > world.end_day + 3650, NEVER, leave)
    part_time = rng.random(n) < np.where(
        np.isin(group, [ESR_STAFF_GROUPS.index("medical_dental")]), 0.12, 0.38)
    fte = np.where(part_time, np.round(rng.uniform(0.4, 0.92, n), 2), 1.0)
    non_facing = np.isin(group, [ESR_STAFF_GROUPS.index("administrative_clerical"),
                                 ESR_STAFF_GROUPS.index("estates_ancillary")])
    patient_facing = ~(non_facing & (rng.random(n) < 0.55))
    return Roster(csu=csu, group=group, fte=fte, start=start, leave=leave,
                  patient_facing=patient_facing)


def workforce(world: World, roster: Roster) -> Iterator[tuple[dt.date, pl.DataFrame]]:
    n_groups = len(ESR_STAFF_GROUPS)
    n_csu = len(world.csu_codes)
    for mo in world.months:
        idx = roster.active(day_number(mo.last))
        cell = roster.csu[idx] * n_groups + roster.group[idx]
        head = np.bincount(cell, minlength=n_csu * n_groups)
        fte = np.bincount(cell, weights=roster.fte[idx], minlength=n_csu * n_groups)
        keep = np.flatnonzero(head > 0)
        df = pl.DataFrame({
            "month": [mo.label] * len(keep),
            "csu_code": [world.csu_codes[k // n_groups] for k in keep],
            "staff_group": [ESR_STAFF_GROUPS[k % n_groups] for k in keep],
            "headcount": head[keep].astype(np.int64),
            "fte": np.round(fte[keep], 2),
        })
        yield mo.last, df
