-- The scorecard's series as the impact verdicts read them (marts.fct_qi_impact, a Dagster
-- asset): every measure of int_measure_values_unioned, valued by the same rule as
-- fct_scorecard_monthly (macros/measure_value.sql), with the catalogue's direction and
-- frequency. Measures computed from the verdicts (M11, int_measure_values_qi_outcomes) are added
-- to the scorecard after the verdicts, so they are not here: reading fct_scorecard_monthly
-- instead would make a cycle.
select
    cast(measure_values.measure_id as string) as measure_id,
    cast(measure_values.level as string) as level,
    cast(measure_values.unit_code as string) as unit_code,
    cast(measure_values.period as date) as period,
    cast({{ measure_value('measure_values.numerator', 'measure_values.denominator',
                          'catalogue.multiplier', 'catalogue.denominator_kind') }}
         as double) as value,
    cast(catalogue.direction as string) as direction,
    cast(catalogue.frequency as string) as frequency
from {{ ref('int_measure_values_unioned') }} as measure_values
inner join {{ ref('measure_catalogue') }} as catalogue
    on measure_values.measure_id = catalogue.measure_id
