-- The balanced scorecard, long: one row per measure, level, unit and period (first day of the
-- month; quarters and years by their first month). Values follow the catalogue: rates are
-- numerator x multiplier / denominator, proportions 0-1 unclamped, counts/hours/GBP the numerator
-- itself. A null value always carries a null_reason.
with measure_values as (

    select * from {{ ref('int_measure_values_unioned') }}

),

catalogue as (

    select * from {{ ref('dim_measure') }}

),

valued as (

    select
        measure_values.*,
        catalogue.multiplier,
        catalogue.default_target,
        catalogue.direction,
        catalogue.chart_type,
        catalogue.domain,
        catalogue.unit,
        catalogue.frequency,
        {{ measure_value('measure_values.numerator', 'measure_values.denominator', 'catalogue.multiplier') }}
            as computed_value
    from measure_values
    inner join catalogue
        on measure_values.measure_id = catalogue.measure_id

)

select
    cast(measure_id as string) as measure_id,
    cast(level as string) as level,
    cast(unit_code as string) as unit_code,
    cast(period as date) as period,
    cast(numerator as double) as numerator,
    cast(denominator as double) as denominator,
    cast(computed_value as double) as value,
    cast(coalesce(target, default_target) as double) as target,
    cast(direction as string) as direction,
    cast(chart_type as string) as chart_type,
    cast(domain as string) as domain,
    cast(unit as string) as unit,
    cast(frequency as string) as frequency,
    cast(responses as bigint) as responses,
    cast({{ measure_null_reason('computed_value', 'denominator', 'null_reason') }}
    as string) as null_reason
from valued
