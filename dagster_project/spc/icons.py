"""Making Data Count icons: variation (latest point type) and assurance (target vs limits)."""

import polars as pl


def assurance_type(direction: pl.Expr, target_given: pl.Expr) -> pl.Expr:
    """Assurance from the target and the limits of a facet's latest rebase group.

    A target above the upper limit always fails for `increase` and always passes for
    `decrease`; below the lower limit the reverse; anything else (on a limit, NaN limits, a
    null target) is inconsistent. Null for the neutral direction or when no target was given.
    """
    t, lpl, upl = pl.col("target"), pl.col("lpl"), pl.col("upl")
    # Guard NaN explicitly: polars orders NaN above every number.
    above = (t > upl) & upl.is_not_nan()
    below = (t < lpl) & lpl.is_not_nan()
    inc = direction == "increase"
    kind = (
        pl.when(above.fill_null(False))
        .then(pl.when(inc).then(pl.lit("consistent_fail")).otherwise(pl.lit("consistent_pass")))
        .when(below.fill_null(False))
        .then(pl.when(inc).then(pl.lit("consistent_pass")).otherwise(pl.lit("consistent_fail")))
        .otherwise(pl.lit("inconsistent"))
    )
    return pl.when(target_given & (direction != "neutral")).then(kind)


def variation_icon(point_type: pl.Expr, direction: pl.Expr) -> pl.Expr:
    """Icon name for the point type of a facet's latest point."""
    inc = direction == "increase"
    return (
        pl.when(point_type == "common_cause")
        .then(pl.lit("common_cause"))
        .when(point_type == "special_cause_improvement")
        .then(pl.when(inc).then(pl.lit("improvement_high")).otherwise(pl.lit("improvement_low")))
        .when(point_type == "special_cause_concern")
        .then(pl.when(inc).then(pl.lit("concern_low")).otherwise(pl.lit("concern_high")))
        .when(point_type == "special_cause_neutral_high")
        .then(pl.lit("neutral_high"))
        .when(point_type == "special_cause_neutral_low")
        .then(pl.lit("neutral_low"))
    )
