-- The balanced scorecard, long: one row per measure, level, unit and period of the grid (first
-- day of the month; quarters and years by their first month). Values follow the catalogue's
-- denominator_kind: `none` is the numerator x multiplier (counts, hours, GBP, scores), otherwise
-- numerator x multiplier / denominator (rates; proportions 0-1 unclamped). A null value always
-- carries a null_reason; a catalogue measure that no family model computes is `not_computed`
-- (and tests/assert_every_measure_has_a_value.sql names it).
-- A period whose value cannot be complete yet is provisional (macros/maturity.sql): judged
-- against data_as_of, the newest extract date loaded for the measure's source; matures_on is the
-- first as-of date at which it is complete (its last day + the catalogue's maturity_days).
with grid as (

    select measure_id, level, unit_code, period from {{ ref('int_scorecard_grid') }}

),

measure_values as (

    select * from {{ ref('int_measure_values_unioned') }}

    union all

    -- measures computed from the impact verdicts, which read the scorecard before them
    select
        measure_id, level, unit_code, period, numerator, denominator, responses, target,
        null_reason, 'int_measure_values_qi_outcomes' as source_model
    from {{ ref('int_measure_values_qi_outcomes') }}

),

catalogue as (

    select * from {{ ref('measure_catalogue') }}

),

as_of as (

    select measure_id, source_extract, source_as_of from {{ ref('int_measure_as_of') }}

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
        catalogue.maturity_days,
        as_of.source_extract,
        as_of.source_as_of,
        {{ period_last_day('grid.period', 'catalogue.frequency') }} as period_last_day,
        {{ measure_value('measure_values.numerator', 'measure_values.denominator',
                         'catalogue.multiplier', 'catalogue.denominator_kind') }}
            as computed_value
    from grid
    inner join catalogue
        on grid.measure_id = catalogue.measure_id
    left join as_of
        on grid.measure_id = as_of.measure_id
    left join measure_values
        on {{ same_measure_cell('grid', 'measure_values') }}

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
    as string) as null_reason,
    cast({{ provisional_reason('period', 'period_last_day', 'maturity_days', 'source_as_of',
                              'source_extract') }}
        is not null as boolean) as is_provisional,
    cast({{ provisional_reason('period', 'period_last_day', 'maturity_days', 'source_as_of',
                              'source_extract') }}
        as string) as provisional_reason,
    cast({{ dbt.dateadd('day', 'maturity_days', 'period_last_day') }} as date) as matures_on,
    cast(source_as_of as date) as data_as_of
from valued
