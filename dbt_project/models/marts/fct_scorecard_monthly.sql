-- The balanced scorecard, long: one row per measure, level, unit and period of the grid (first
-- day of the month; quarters and years by their first month). Values follow the catalogue's
-- denominator_kind: `none` is the numerator x multiplier (counts, hours, GBP, scores), otherwise
-- numerator x multiplier / denominator (rates; proportions 0-1 unclamped). A null value always
-- carries a null_reason; a catalogue measure that no family model computes is `not_computed`
-- (and tests/assert_every_measure_has_a_value.sql names it).
with grid as (

    select measure_id, level, unit_code, period from {{ ref('int_scorecard_grid') }}

),

measure_values as (

    select * from {{ ref('int_measure_values_unioned') }}

),

catalogue as (

    select * from {{ ref('measure_catalogue') }}

),

valued as (

    select
        grid.measure_id,
        grid.level,
        grid.unit_code,
        grid.period,
        measure_values.numerator,
        case when catalogue.denominator_kind <> 'none' then measure_values.denominator end
            as denominator,
        measure_values.responses,
        measure_values.target,
        case when measure_values.measure_id is null then 'not_computed'
            else measure_values.null_reason end as null_reason,
        catalogue.default_target,
        catalogue.direction,
        catalogue.chart_type,
        catalogue.domain,
        catalogue.unit,
        catalogue.frequency,
        {{ measure_value('measure_values.numerator', 'measure_values.denominator',
                         'catalogue.multiplier', 'catalogue.denominator_kind') }}
            as computed_value
    from grid
    inner join catalogue
        on grid.measure_id = catalogue.measure_id
    left join measure_values
        on grid.measure_id = measure_values.measure_id
        and grid.level = measure_values.level
        and grid.unit_code = measure_values.unit_code
        and grid.period = measure_values.period

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
