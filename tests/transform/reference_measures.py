"""An independent recomputation of scorecard measures straight from the landing CSV files.

Deliberately shares nothing with the dbt models: it reads the CSVs as text with polars, applies the
delivery rules itself (per key, the newest extract date wins, then the later row), assigns incidents
to CSUs from org_structure in Python, and builds the full expected grid (organisation + every CSU,
every month of the activity extract) so zero rows and null values are checked too.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from pathlib import Path

import polars as pl

FILE_DATE = re.compile(r"_(\d{8})")


def read_extract(landing: Path, extract: str) -> pl.DataFrame:
    """Every delivered row of an extract, as text, with its extract date and row number."""
    frames = []
    for path in sorted((landing / extract).glob(f"{extract}_*.csv")):
        stamp = FILE_DATE.search(path.name).group(1)
        df = pl.read_csv(path, infer_schema=False)
        frames.append(df.with_columns(
            _extract_date=pl.lit(dt.datetime.strptime(stamp, "%Y%m%d").date()),
            _file=pl.lit(path.name),
            _row_number=pl.int_range(1, df.height + 1),
        ))
    return pl.concat(frames, how="diagonal")


def latest(df: pl.DataFrame, key: list[str]) -> pl.DataFrame:
    """Snapshot semantics: per key the newest delivery (extract date, then row number)."""
    return (df.sort(["_extract_date", "_file", "_row_number"])
              .group_by(key, maintain_order=True).last())


def as_date(col: str) -> pl.Expr:
    return pl.col(col).str.strptime(pl.Date, "%Y-%m-%d", strict=False)


def truthy(col: str) -> pl.Expr:
    return pl.col(col).str.to_lowercase().is_in(["y", "true", "1"])


def month_of(col: str) -> pl.Expr:
    return pl.col(col).dt.truncate("1mo")


def month_text(col: str) -> pl.Expr:
    return (pl.col(col) + "-01").str.strptime(pl.Date, "%Y-%m-%d")


class Trust:
    """The landing folder read once; each method returns one measure's expected rows."""

    def __init__(self, landing: Path) -> None:
        self.landing = Path(landing)
        org = latest(read_extract(self.landing, "org_structure"), ["location_code", "valid_from"])
        self.org = org.with_columns(as_date("valid_from").alias("vf"), as_date("valid_to").alias("vt"))
        self.org_code = self.org["org_code"][0]
        self.csus = sorted(set(self.org["csu_code"]))
        activity = latest(read_extract(self.landing, "activity"), ["month", "csu_code"])
        self.activity = activity.with_columns(
            month_text("month").alias("period"),
            *(pl.col(c).cast(pl.Int64) for c in ("occupied_bed_days", "ae_attendances", "ae_within_4h")))
        first, last = self.activity["period"].min(), self.activity["period"].max()
        self.months = []
        y, m = first.year, first.month
        while dt.date(y, m, 1) <= last:
            self.months.append(dt.date(y, m, 1))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        self._incidents = None

    # --- helpers -------------------------------------------------------------------------
    def units(self) -> list[tuple[str, str]]:
        return [("organisation", self.org_code)] + [("csu", c) for c in self.csus]

    def grid(self, sums: dict, denominators: dict | None, multiplier: float = 1.0,
             periods: list[dt.date] | None = None) -> dict:
        """(level, unit, period) -> (numerator, denominator, value) over the full grid.
        `sums`/`denominators` are keyed by (csu, period); the organisation is their total."""
        out = {}
        for period in periods or self.months:
            for level, unit in self.units():
                if level == "organisation":
                    num = sum(v for (c, p), v in sums.items() if p == period)
                    den = (None if denominators is None else
                           sum(v for (c, p), v in denominators.items() if p == period))
                else:
                    num = sums.get((unit, period), 0)
                    den = None if denominators is None else denominators.get((unit, period), 0)
                if den is None:
                    value = num * multiplier
                else:
                    value = num * multiplier / den if den != 0 else None
                out[(level, unit, period)] = (float(num), None if den is None else float(den), value)
        return out

    def csu_on(self, location: str, day: dt.date, fallback: str) -> str:
        best = None
        for row in self._versions.get(location, []):
            vf, vt, csu = row
            if vf <= day and (vt is None or day <= vt) and (best is None or vf >= best[0]):
                best = (vf, csu)
        return best[1] if best else fallback

    def incidents(self) -> pl.DataFrame:
        if self._incidents is None:
            self._versions = defaultdict(list)
            for r in self.org.iter_rows(named=True):
                self._versions[r["location_code"]].append((r["vf"], r["vt"], r["csu_code"]))
            inc = latest(read_extract(self.landing, "incidents"), ["incident_id"]).with_columns(
                as_date("incident_date").alias("idate"), as_date("reported_date").alias("rdate"),
                as_date("closed_date").alias("cdate"),
                truthy("is_patient_safety").alias("ps"), truthy("is_never_event").alias("never"))
            assigned = [self.csu_on(loc, d, c) for loc, d, c in
                        zip(inc["location_code"], inc["idate"], inc["csu_code"])]
            inc = inc.with_columns(pl.Series("unit", assigned))
            counted = (pl.col("event_type") == "incident") & (pl.col("status") != "rejected")
            self._incidents = inc.with_columns(
                counted.alias("counted"), (counted & pl.col("ps")).alias("psi"),
                month_of("idate").alias("imonth"), month_of("rdate").alias("rmonth"))
        return self._incidents

    @staticmethod
    def count_by(df: pl.DataFrame, unit: str, period: str, value: pl.Expr | None = None) -> dict:
        agg = (value if value is not None else pl.len()).alias("v")
        return {(u, p): v for u, p, v in df.group_by(unit, period).agg(agg).iter_rows()}

    def bed_days(self) -> dict:
        return {(r["csu_code"], r["period"]): r["occupied_bed_days"]
                for r in self.activity.iter_rows(named=True)}

    # --- measures ------------------------------------------------------------------------
    def q01(self):
        psi = self.incidents().filter("psi")
        return self.grid(self.count_by(psi, "unit", "imonth"), self.bed_days(), 1000.0)

    def q02(self):
        psi = self.incidents().filter("psi")
        harmed = psi.filter(pl.col("physical_harm").is_in(["moderate", "severe", "fatal"]))
        return self.grid(self.count_by(harmed, "unit", "imonth"), self.count_by(psi, "unit", "imonth"))

    def q03(self):
        severe = self.incidents().filter(pl.col("psi") & pl.col("physical_harm").is_in(["severe", "fatal"]))
        return self.grid(self.count_by(severe, "unit", "imonth"), None)

    def q04(self):
        never = self.incidents().filter(pl.col("counted") & pl.col("never"))
        return self.grid(self.count_by(never, "unit", "imonth"), None)

    def q06(self):
        inc = self.incidents().filter("counted")
        closed = inc.filter((pl.col("cdate") - pl.col("rdate")).dt.total_days() <= 30)
        return self.grid(self.count_by(closed, "unit", "rmonth"), self.count_by(inc, "unit", "rmonth"))

    def d01(self):
        inc = self.incidents().filter("counted")
        quick = inc.filter((pl.col("rdate") - pl.col("idate")).dt.total_days() <= 2)
        return self.grid(self.count_by(quick, "unit", "rmonth"), self.count_by(inc, "unit", "rmonth"))

    def d02(self):
        a = self.activity
        num = {(r["csu_code"], r["period"]): r["ae_within_4h"] for r in a.iter_rows(named=True)}
        den = {(r["csu_code"], r["period"]): r["ae_attendances"] for r in a.iter_rows(named=True)}
        return self.grid(num, den)

    def _fft(self):
        fft = latest(read_extract(self.landing, "fft_responses"),
                     ["period", "site_code", "ward_code", "setting"])
        cols = ["very_good", "good", "neither", "poor", "very_poor", "dont_know", "total_responses"]
        return fft.with_columns(month_text("period").alias("p"), *(pl.col(c).cast(pl.Int64) for c in cols))

    def s01(self):
        f = self._fft().filter(pl.col("setting") == "inpatient")
        return self.grid(self.count_by(f, "csu_code", "p", (pl.col("very_good") + pl.col("good")).sum()),
                         self.count_by(f, "csu_code", "p", pl.col("total_responses").sum()))

    def s04(self):
        f = self._fft()
        return self.grid(self.count_by(f, "csu_code", "p", (pl.col("poor") + pl.col("very_poor")).sum()),
                         self.count_by(f, "csu_code", "p", pl.col("total_responses").sum()))

    def _training(self):
        t = latest(read_extract(self.landing, "mandatory_training"),
                   ["snapshot_date", "person_key", "competence_code"])
        t = t.with_columns(as_date("snapshot_date").alias("snap"), truthy("required").alias("req"))
        t = t.with_columns(month_of("snap").alias("p"))
        last = t.group_by("p").agg(pl.col("snap").max().alias("last"))
        t = t.join(last, on="p").filter(pl.col("snap") == pl.col("last")).filter("req")
        return t, set(last["p"])

    def _compliance(self, t, snapshot_months):
        rows = self.grid(self.count_by(t, "csu_code", "p", (pl.col("status") == "compliant").sum()),
                         self.count_by(t, "csu_code", "p", pl.len()))
        return {k: (v if k[2] in snapshot_months else (None, None, None)) for k, v in rows.items()}

    def m03(self):
        t, months = self._training()
        return self._compliance(t, months)

    def m04(self):
        t, months = self._training()
        return self._compliance(t.filter(pl.col("competence_code") == "CSTF_INFO_GOV"), months)

    def _improvement(self):
        i = latest(read_extract(self.landing, "improvement_training"), ["event_id"])
        return i.with_columns(as_date("completion_date").alias("d"), truthy("is_quality_partner").alias("qp"),
                              pl.col("hours").cast(pl.Float64)).with_columns(month_of("d").alias("p"))

    def _distinct_people(self, df: pl.DataFrame) -> dict:
        """Distinct people per (level, unit, month): the organisation is not a sum of CSUs."""
        out = {}
        for period in self.months:
            month = df.filter(pl.col("p") == period)
            out[("organisation", self.org_code, period)] = month["person_key"].n_unique()
            for csu in self.csus:
                out[("csu", csu, period)] = month.filter(pl.col("csu_code") == csu)["person_key"].n_unique()
        return out

    def m05(self):
        i = self._improvement().filter((pl.col("status") == "completed") & ~pl.col("qp")
                                       & (pl.col("programme") != "COACHING_SESSION"))
        return {k: (float(v), None, float(v)) for k, v in self._distinct_people(i).items()}

    def m07(self):
        i = self._improvement().filter(pl.col("status").is_in(["completed", "attended"]) & pl.col("qp"))
        return {k: (float(v), None, float(v)) for k, v in self._distinct_people(i).items()}

    def d03(self):
        i = self._improvement().filter(pl.col("status").is_in(["completed", "attended"]))
        return self.grid(self.count_by(i, "csu_code", "p", pl.col("hours").sum()), None)

    def m06(self):
        i = self._improvement().filter((pl.col("status") == "completed") & ~pl.col("qp")
                                       & (pl.col("programme") != "COACHING_SESSION"))
        w = latest(read_extract(self.landing, "workforce"), ["month", "csu_code", "staff_group"])
        w = w.with_columns(month_text("month").alias("p"), pl.col("headcount").cast(pl.Int64))
        out = {}
        for period in self.months:
            done = i.filter(pl.col("p") <= period)
            heads = w.filter(pl.col("p") == period)
            for level, unit in self.units():
                sel = done if level == "organisation" else done.filter(pl.col("csu_code") == unit)
                hc = heads if level == "organisation" else heads.filter(pl.col("csu_code") == unit)
                num, den = sel["person_key"].n_unique(), hc["headcount"].sum()
                out[(level, unit, period)] = (float(num), float(den), num / den if den else None)
        return out

    def _savings(self):
        sav = latest(read_extract(self.landing, "waste_savings"), ["scheme_id", "month"])
        sch = latest(read_extract(self.landing, "waste_schemes"), ["scheme_id"])
        return sav.join(sch.select("scheme_id", "csu_code", "recurrence"), on="scheme_id").with_columns(
            month_text("month").alias("p"), pl.col("plan_gbp").cast(pl.Float64),
            pl.col("actual_gbp").cast(pl.Float64))

    def c01(self):
        s = self._savings()
        return self.grid(self.count_by(s, "csu_code", "p", pl.col("actual_gbp").sum()),
                         self.count_by(s, "csu_code", "p", pl.col("plan_gbp").sum()))

    def c02(self):
        s = self._savings()
        return self.grid(self.count_by(s, "csu_code", "p", pl.col("actual_gbp").sum()), None)

    def c03(self):
        s = self._savings()
        rec = s.filter(pl.col("recurrence") == "recurrent")
        return self.grid(self.count_by(rec, "csu_code", "p", pl.col("actual_gbp").sum()),
                         self.count_by(s, "csu_code", "p", pl.col("actual_gbp").sum()))

    def m01(self) -> dict:
        """Only (level, unit, quarter) with answers: the mean scored answer."""
        p = latest(read_extract(self.landing, "pulse_survey"), ["quarter", "csu_code", "item"])
        answers = ["strongly_disagree", "disagree", "neither", "agree", "strongly_agree"]
        p = p.with_columns(*(pl.col(a).cast(pl.Int64) for a in answers))
        p = p.with_columns(
            (pl.col("quarter").str.slice(0, 4).cast(pl.Int32)).alias("y"),
            (pl.col("quarter").str.slice(6, 1).cast(pl.Int32)).alias("q"),
            sum(pl.col(a) * s for a, s in zip(answers, (0, 2.5, 5, 7.5, 10))).alias("score"),
            sum(pl.col(a) for a in answers).alias("n"))
        out = {}
        for (y, q), grp in p.group_by("y", "q"):
            period = dt.date(y, 3 * (q - 1) + 1, 1)
            out[("organisation", self.org_code, period)] = grp["score"].sum() / grp["n"].sum()
            for (csu,), g in grp.group_by("csu_code"):
                out[("csu", csu, period)] = g["score"].sum() / g["n"].sum()
        return out

    def m02(self) -> dict:
        s = latest(read_extract(self.landing, "staff_survey_scores"),
                   ["survey_year", "breakdown_type", "breakdown_code", "theme_code"])
        s = s.filter((pl.col("theme_code") == "ENGAGEMENT")
                     & pl.col("breakdown_type").is_in(["organisation", "csu"]))
        return {("organisation" if r["breakdown_type"] == "organisation" else "csu", r["breakdown_code"],
                 dt.date(int(r["survey_year"]), 1, 1)): float(r["score"]) for r in s.iter_rows(named=True)}
