"""Correctly rounded per-group sums and means, vectorised.

R's ``mean()`` accumulates in long double and adds a second pass of residuals, so its result is
the correctly rounded mean in practice. A plain float64 sum drifts by an ulp or so, which flips
``relative_to_mean`` for points that sit exactly on the mean. We reproduce the exact result with
Rump-Ogita-Oishi extraction: per group, pick a power of two ``sigma`` large enough that every
``q = (sigma + x) - sigma`` lies on a common grid, so the sum of the ``q`` is exact in any order;
the remainders ``x - q`` are extracted once more the same way, and what is left is negligible.
The resulting double-double is divided by ``n`` with an error-free product (Dekker), giving the
correctly rounded mean except for near-ties in data spanning ~2**100 in magnitude within one
group (where R's long double is not exact either).

Everything is two ``group_by`` passes over a dense, sorted group id: no Python per group.
"""

from __future__ import annotations

import polars as pl

_SPLIT = 134217729.0  # 2**27 + 1, Dekker/Veltkamp splitter for float64


def _sigma(absmax: pl.Expr, count: pl.Expr) -> pl.Expr:
    # +1 in the exponent guards against log2 rounding just below an integer.
    exponent = absmax.log(2).ceil() + (count.cast(pl.Float64) + 2.0).log(2).ceil() + 1.0
    return pl.lit(2.0).pow(exponent)


def _two_sum(a: pl.Expr, b: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    s = a + b
    bb = s - a
    err = (a - (s - bb)) + (b - bb)
    return s, err


def dd_div(hi: pl.Expr, lo: pl.Expr, n: pl.Expr) -> pl.Expr:
    """Round (hi + lo) / n to float64, with n a small positive integer (< 2**26)."""
    s, e = _two_sum(hi, lo)
    n = n.cast(pl.Float64)
    m0 = s / n
    c = m0 * _SPLIT
    m_hi = c - (c - m0)
    m_lo = m0 - m_hi
    p = m0 * n
    p_err = (m_hi * n - p) + m_lo * n  # exact: n has at most 26 significant bits
    r = ((s - p) - p_err + e) / n
    return m0 + r


def group_sums(frame: pl.DataFrame, gid: str, cols: dict[str, pl.Expr]) -> pl.DataFrame:
    """Per group (dense ids 0..G-1, sorted): exact sum and non-null count of each expression.

    Returns one row per group with columns ``{name}_hi``, ``{name}_lo`` (a double-double) and
    ``{name}_n``. Nulls are ignored.
    """
    base = frame.select(pl.col(gid), **{f"__x_{k}": v for k, v in cols.items()})
    first = base.group_by(gid, maintain_order=True).agg(
        *[pl.col(f"__x_{k}").abs().max().alias(f"__m_{k}") for k in cols],
        *[pl.col(f"__x_{k}").count().alias(f"{k}_n") for k in cols],
    )
    sig = first.select(
        *[
            pl.when(_sigma(pl.col(f"__m_{k}"), pl.col(f"{k}_n")).is_finite())
            .then(_sigma(pl.col(f"__m_{k}"), pl.col(f"{k}_n")))
            .otherwise(0.0)  # overflow: fall back to a plain sum
            .alias(f"__s_{k}")
            for k in cols
        ]
    )
    g = base.get_column(gid)
    # Two extraction levels: the remainders of the first are at most ulp(sigma)/2, so a second
    # sigma scaled down by 2**-53 extracts them exactly too; what is left is ~2**-100 relative.
    # sigma + x is materialised before subtracting sigma to keep the quantisation explicit.
    lvl2 = 2.0**-53
    base = base.with_columns(
        *[sig.get_column(f"__s_{k}").gather(g).alias(f"__s_{k}") for k in cols]
    ).with_columns(
        *[(pl.col(f"__s_{k}") + pl.col(f"__x_{k}")).alias(f"__t_{k}") for k in cols]
    ).with_columns(
        *[(pl.col(f"__t_{k}") - pl.col(f"__s_{k}")).alias(f"__q_{k}") for k in cols]
    ).with_columns(
        *[(pl.col(f"__x_{k}") - pl.col(f"__q_{k}")).alias(f"__r_{k}") for k in cols]
    ).with_columns(
        *[(pl.col(f"__s_{k}") * lvl2 + pl.col(f"__r_{k}")).alias(f"__t_{k}") for k in cols]
    ).with_columns(
        *[(pl.col(f"__t_{k}") - pl.col(f"__s_{k}") * lvl2).alias(f"__q2_{k}") for k in cols]
    )
    second = base.group_by(gid, maintain_order=True).agg(
        *[pl.col(f"__q_{k}").sum().alias(f"__a_{k}") for k in cols],
        *[pl.col(f"__q2_{k}").sum().alias(f"__b_{k}") for k in cols],
        *[(pl.col(f"__r_{k}") - pl.col(f"__q2_{k}")).sum().alias(f"__c_{k}") for k in cols],
    )
    out = []
    for k in cols:
        s, e = _two_sum(pl.col(f"__a_{k}"), pl.col(f"__b_{k}"))
        out += [s.alias(f"{k}_hi"), (e + pl.col(f"__c_{k}")).alias(f"{k}_lo")]
    second = second.select(pl.col(gid), *out)
    return pl.concat([second, first.select(f"{k}_n" for k in cols)], how="horizontal")


def group_means(frame: pl.DataFrame, gid: str, cols: dict[str, pl.Expr]) -> pl.DataFrame:
    """Per group: correctly rounded mean (NaN when no values) and count of each expression."""
    sums = group_sums(frame, gid, cols)
    return sums.select(
        pl.col(gid),
        *[
            pl.when(pl.col(f"{k}_n") > 0)
            .then(dd_div(pl.col(f"{k}_hi"), pl.col(f"{k}_lo"), pl.col(f"{k}_n")))
            .otherwise(float("nan"))
            .alias(k)
            for k in cols
        ],
        *[pl.col(f"{k}_n") for k in cols],
    )


def group_exact_sums(frame: pl.DataFrame, gid: str, cols: dict[str, pl.Expr]) -> pl.DataFrame:
    """Per group: the exact sum rounded once to float64 (0 when no values), and the count."""
    sums = group_sums(frame, gid, cols)
    return sums.select(
        pl.col(gid),
        *[(pl.col(f"{k}_hi") + pl.col(f"{k}_lo")).alias(k) for k in cols],
        *[pl.col(f"{k}_n") for k in cols],
    )
