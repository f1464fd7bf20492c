"""Run and Shewhart charts after qicharts2 0.8 (``qic()`` with the package attached, so moving
ranges are screened): run, i, mr, p, pp (Laney p'), u, up (Laney u'), c, g and t charts.

Vectorised over facets and parts. Rows sharing a facet and date are aggregated as qic() does:
with a denominator, value = sum(y) / sum(n); without, the mean of y (c charts use the sum).
Where qicharts2 itself stops (t chart with a value <= 0) this raises ValueError.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from . import _facets
from . import _validate as v
from ._exact import group_exact_sums, group_means
from ._groups import GID, POS, add_group_index, broadcast, lag
from .rebase import add_rebase_group
from .runs import runs_analysis

CHARTS = ("run", "i", "mr", "p", "pp", "u", "up", "c", "g", "t")
NEEDS_DENOMINATOR = ("p", "pp", "u", "up")
# Charts of the time between events: one point per event, not per period.
EVENT_CHARTS = ("g", "t")
D2 = 1.128  # bias constant for moving ranges of two
SCREEN = 3.267
COLUMNS = [
    "facet", "date", "value", "denominator", "cl", "lcl", "ucl", "lcl_95", "ucl_95", "part",
    "baseline", "sigma_signal", "runs_signal", "longest_run", "longest_run_max", "n_crossings",
    "n_crossings_min",
]


def _base(expr: pl.Expr) -> pl.Expr:
    return pl.when(pl.col("baseline")).then(expr)


def _median(frame: pl.DataFrame, expr: pl.Expr) -> pl.Series:
    per = frame.select(pl.col(GID), _base(expr).alias("__m")).group_by(GID, maintain_order=True)
    return per.agg(pl.col("__m").median()).get_column("__m").fill_null(float("nan"))


def _mean(frame: pl.DataFrame, expr: pl.Expr) -> pl.Series:
    return group_means(frame, GID, {"m": expr}).get_column("m")


def _screened_amr(frame: pl.DataFrame, mr: pl.Expr) -> pl.Series:
    """Mean moving range, recomputed once without ranges not strictly below 3.267 x amr."""
    frame = frame.with_columns(mr.alias("__mr"))
    amr = _mean(frame, pl.col("__mr"))
    frame = broadcast(frame, amr.alias("__amr").to_frame(), ["__amr"])
    kept = pl.when(pl.col("__amr").is_not_nan() & (pl.col("__mr") < SCREEN * pl.col("__amr")))
    return _mean(frame, kept.then(pl.col("__mr")))


def _set(frame: pl.DataFrame, **per_group: pl.Series) -> pl.DataFrame:
    table = pl.DataFrame({k: s for k, s in per_group.items()})
    return broadcast(frame, table, list(per_group))


def _sigma_limits(stdev: pl.Expr) -> list[pl.Expr]:
    cl = pl.col("__cl")
    return [
        (cl - 3 * stdev).alias("__lcl"), (cl + 3 * stdev).alias("__ucl"),
        (cl - 2 * stdev).alias("__lcl_95"), (cl + 2 * stdev).alias("__ucl_95"),
    ]


def _clamp_low(cols: Sequence[str], finite_only: bool = True) -> list[pl.Expr]:
    out = []
    for c in cols:
        low = pl.col(c) < 0
        if finite_only:
            low = low & pl.col(c).is_finite()
        out.append(pl.when(low.fill_null(False)).then(0.0).otherwise(pl.col(c)).alias(c))
    return out


def _clamp_high(cols: Sequence[str]) -> list[pl.Expr]:
    return [
        pl.when(((pl.col(c) > 1) & pl.col(c).is_finite()).fill_null(False))
        .then(1.0).otherwise(pl.col(c)).alias(c)
        for c in cols
    ]


def _i_limits(frame: pl.DataFrame) -> pl.DataFrame:
    """I chart on `__y`: mean of the baseline, sigma = screened amr / 1.128."""
    frame = _set(frame, __cl=_mean(frame, _base(pl.col("__y"))))
    # qicharts2 differences the centred values; keep its arithmetic for identical screening.
    centred = pl.col("__y") - pl.col("__cl")
    mr = _base((centred - lag(_base(centred))).abs())
    frame = _set(frame, __amr=_screened_amr(frame, mr))
    return frame.with_columns(_sigma_limits(pl.col("__amr") / D2)).drop("__amr")


def _ratio_cl(frame: pl.DataFrame) -> pl.DataFrame:
    sums = group_exact_sums(frame, GID, {"y": _base(pl.col("__ysum")), "n": _base(pl.col("__n"))})
    return _set(frame, __cl=sums.get_column("y") / sums.get_column("n"))


def _laney(frame: pl.DataFrame) -> pl.DataFrame:
    """Scale `__sd` by sigma_z = screened mean moving range of the z-scores / 1.128."""
    z = _base((pl.col("__y") - pl.col("__cl")) / pl.col("__sd"))
    frame = frame.with_columns(z.fill_nan(None).alias("__z"))
    mr = _base((pl.col("__z") - lag(pl.col("__z"))).abs())
    frame = _set(frame, __sz=_screened_amr(frame, mr))
    sd = (pl.col("__sd") * (pl.col("__sz") / D2)).alias("__sd")
    return frame.with_columns(sd).drop("__z", "__sz")


def _limits(frame: pl.DataFrame, chart: str) -> pl.DataFrame:
    y = pl.col("__y")
    nan = pl.lit(float("nan"))
    if chart == "run":
        frame = _set(frame, __cl=_median(frame, y))
        return frame.with_columns(nan.alias(c) for c in ("__lcl", "__ucl", "__lcl_95", "__ucl_95"))
    if chart == "i":
        return _i_limits(frame)
    if chart == "t":
        low = frame.select(pl.col("__y").min()).item()
        if low is not None and low <= 0:
            raise ValueError("t chart: time between events must be greater than zero")
        frame = _i_limits(frame.with_columns(y.pow(1 / 3.6).alias("__y")))
        back = ["__y", "__cl", "__ucl", "__ucl_95", "__lcl", "__lcl_95"]
        frame = frame.with_columns(pl.col(c).pow(3.6) for c in back)
        lcl = pl.col("__lcl")
        return frame.with_columns(
            pl.when((lcl < 0) | lcl.is_nan()).then(0.0).otherwise(lcl).alias("__lcl")
        )
    if chart == "mr":
        frame = frame.with_columns((y - lag(y)).abs().alias("__y"))
        frame = _set(frame, __cl=_mean(frame, _base(pl.col("__y"))))
        cl = pl.col("__cl")
        return frame.with_columns(
            pl.lit(0.0).alias("__lcl"), pl.lit(0.0).alias("__lcl_95"),
            (SCREEN * cl).alias("__ucl"), ((SCREEN / 3) * 2 * cl).alias("__ucl_95"),
        )
    if chart in ("p", "pp"):
        frame = _ratio_cl(frame)
        cl = pl.col("__cl")
        frame = frame.with_columns((cl * (1 - cl) / pl.col("__n")).sqrt().alias("__sd"))
        if chart == "pp":
            frame = _laney(frame)
        frame = frame.with_columns(_sigma_limits(pl.col("__sd")))
        frame = frame.with_columns(_clamp_high(["__ucl", "__ucl_95"]))
        return frame.with_columns(_clamp_low(["__lcl", "__lcl_95"])).drop("__sd")
    if chart in ("u", "up"):
        frame = _ratio_cl(frame)
        frame = frame.with_columns((pl.col("__cl") / pl.col("__n")).sqrt().alias("__sd"))
        if chart == "up":
            frame = _laney(frame)
        frame = frame.with_columns(_sigma_limits(pl.col("__sd")))
        return frame.with_columns(_clamp_low(["__lcl", "__lcl_95"])).drop("__sd")
    if chart == "c":
        frame = frame.with_columns(pl.col("__ysum").alias("__y"))
        frame = _set(frame, __cl=_mean(frame, _base(pl.col("__y"))))
        frame = frame.with_columns(_sigma_limits(pl.col("__cl").sqrt()))
        return frame.with_columns(_clamp_low(["__lcl", "__lcl_95"]))
    if chart == "g":
        frame = _set(frame, __cl=_mean(frame, _base(y)))
        cl = pl.col("__cl")
        frame = frame.with_columns(_sigma_limits((cl * (cl + 1)).sqrt()))
        frame = frame.with_columns(_clamp_low(["__lcl", "__lcl_95"], finite_only=False))
        # The centre line shown, and used by the run rules, is the median.
        return _set(frame, __cl=_median(frame, y))
    raise AssertionError(chart)


def _aggregate(frame: pl.DataFrame, got_n: bool) -> pl.DataFrame:
    """One row per facet and date, as qic.agg: sums with a denominator, else the mean."""
    y, n = pl.col("__y"), pl.col("__n")
    several = pl.len() > 1
    agg = frame.group_by("facet", "date", maintain_order=True).agg(
        # R: sum(y, na.rm = length(y) > 1), so a lone missing value stays missing.
        pl.when(several).then(y.sum()).otherwise(y.first()).alias("__ysum"),
        (y.sum() / n.sum()).alias("__ratio") if got_n else y.mean().alias("__ratio"),
        n.sum().alias("__n") if got_n else pl.lit(None, dtype=pl.Float64).alias("__n"),
    )
    return agg.with_columns(pl.col("__ratio").fill_nan(None).alias("__y")).drop("__ratio")


def attribute_chart(
    df: pl.DataFrame,
    chart: str,
    value: str,
    date: str,
    denominator: str | None = None,
    facet: str | list[str] | None = None,
    multiply: float = 1,
    freeze: int | None = None,
    parts: Sequence[int] | None = None,
    rebase: list | Mapping | None = None,
) -> pl.DataFrame:
    """qicharts2-style chart: one row per facet and date, columns as `COLUMNS`.

    `rebase` (dates, or a mapping facet -> dates, as for `xmr`) starts a new part at each date,
    so limits are computed per part as with qicharts2's `part`; like `parts`, it overrides
    `freeze`. `facet` may name several columns: the output's `facet` is then a struct of them
    and a `rebase` mapping is keyed by tuples of their values."""
    df = v.check_frame(df)
    df, facet, facet_keys = _facets.encode(df, facet)
    rebase = _facets.encode_mapping(rebase, facet_keys, "rebase")
    if chart not in CHARTS:
        raise ValueError(f"chart must be one of {CHARTS}, got {chart!r}")
    v.check_column(df, value, "value")
    v.check_column(df, date, "date")
    v.check_column(df, denominator, "denominator", optional=True)
    v.check_column(df, facet, "facet", optional=True)
    v.check_numeric(df, value, "value")
    v.check_date(df, date, allow_numeric=True)
    if denominator is not None:
        v.check_numeric(df, denominator, "denominator")
    elif chart in NEEDS_DENOMINATOR:
        raise ValueError(f"a {chart} chart needs a denominator column")
    if not v.is_number(multiply):
        raise ValueError(f"multiply must be a number, got {multiply!r}")
    bad_freeze = isinstance(freeze, bool) or not isinstance(freeze, int) or freeze < 1
    if freeze is not None and bad_freeze:
        raise ValueError(f"freeze must be a positive integer, got {freeze!r}")
    if parts is not None:
        parts = list(parts)
        if any(isinstance(p, bool) or not isinstance(p, int) for p in parts):
            raise ValueError(f"parts must be integers (point counts), got {parts!r}")
        freeze = None  # qicharts2 ignores freeze when parts are given
    if rebase is not None:
        freeze = None  # rebase dates are parts too

    got_n = denominator is not None
    frame = df.select(
        (pl.lit("no facet") if facet is None else pl.col(facet)).alias("facet"),
        pl.col(date).alias("date"),
        pl.col(value).cast(pl.Float64).fill_nan(None).alias("__y"),
        (pl.col(denominator).cast(pl.Float64).fill_nan(None) if got_n
         else pl.lit(None, dtype=pl.Float64)).alias("__n"),
    )
    if got_n:  # qic(): a point missing either part is missing both
        missing = pl.col("__y").is_null() | pl.col("__n").is_null()
        frame = frame.with_columns(
            pl.when(~missing).then(pl.col(c)).alias(c) for c in ("__y", "__n")
        )
    frame = _aggregate(frame, got_n).sort("facet", "date", nulls_last=True, maintain_order=True)

    frame = add_group_index(frame, ["facet"])
    xx = pl.col(POS) + 1
    breaks = sorted({p for p in parts if p > 0}) if parts else []
    part = pl.lit(1, dtype=pl.Int32)
    for b in breaks:
        part = part + (xx > b).cast(pl.Int32)
    frame = add_rebase_group(frame, rebase)  # 0 everywhere without rebase dates
    frame = frame.with_columns(
        (part + pl.col("rebase_group")).alias("part"),
        (xx <= freeze if freeze is not None else pl.lit(True)).alias("baseline"),
    ).drop(GID, POS, "__left", "__nrows", "rebase_group")
    frame = add_group_index(frame, ["facet", "part"])

    frame = _limits(frame, chart)
    n_groups = frame.get_column(GID).max() + 1
    runs = runs_analysis(frame, n_groups)
    if chart == "mr":
        runs = runs.with_columns(pl.lit(False).alias("runs_signal"))
    stats = ["runs_signal", "longest_run", "longest_run_max", "n_crossings", "n_crossings_min"]
    frame = broadcast(frame, runs, stats)

    def scaled(c: str) -> pl.Expr:
        x = pl.col(c) * multiply
        return pl.when(x.is_finite()).then(x)  # non-finite limits are null

    frame = frame.with_columns(
        (pl.col("__y") * multiply).fill_nan(None).alias("value"),
        (pl.col("__cl") * multiply).alias("cl"),
        *[scaled(f"__{c}").alias(c) for c in ("lcl", "ucl", "lcl_95", "ucl_95")],
        pl.col("__n").alias("denominator"),
    )
    signal = (pl.col("value") > pl.col("ucl")) | (pl.col("value") < pl.col("lcl"))
    chart = frame.with_columns(signal.fill_null(False).alias("sigma_signal")).select(COLUMNS)
    return _facets.decode(chart, facet_keys)
