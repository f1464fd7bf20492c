import datetime as dt
from pathlib import Path

import polars as pl
import pytest

# Vendored inside the repository (tests/data/README.md: source and licence), so the parity tests
# always run: a missing file is a failure, never a skip.
AE_CSV = Path(__file__).resolve().parents[1] / "data" / "ae_attendances.csv"


def dates(n, start=dt.date(2020, 1, 1)):
    """n consecutive month starts."""
    return [dt.date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1)
            for i in range(n)]


def series(values, facet=None):
    d = {"x": dates(len(values)), "y": [None if v is None else float(v) for v in values]}
    if facet is not None:
        d["f"] = [facet] * len(values)
    return pl.DataFrame(d, schema_overrides={"y": pl.Float64})


@pytest.fixture(scope="session")
def ae_performance():
    """Four-hour performance per trust and month (types aggregated)."""
    raw = pl.read_csv(AE_CSV, try_parse_dates=True)
    return (
        raw.group_by("org_code", "period")
        .agg(pl.col("attendances").sum(), pl.col("breaches").sum())
        .filter(pl.col("attendances") > 0)
        .with_columns((1 - pl.col("breaches") / pl.col("attendances")).alias("performance"))
        .sort("org_code", "period")
    )


BASE = [10.0, 12.0] * 6  # mean 11, amr 2: limits 5.68..16.32, 2-sigma lines 7.453..14.547


def fixed_chart(tail, **kw):
    """xmr of BASE + tail with limits fixed on BASE, so the tail cannot move them."""
    from dagster_project.spc import xmr

    return xmr(series(BASE + list(tail)), fix_after_n_points=12, **kw)


def tail_col(chart, col):
    return chart[col].to_list()[len(BASE):]
