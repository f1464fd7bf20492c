{{ config(meta={'dagster': {'ref': {'name': 'fct_scorecard_monthly'}}}) }}
-- Every measure exists at both levels for every period its rules define: no (measure, level,
-- unit, period) of the grid may be missing from the scorecard, and no extra row may appear.
with grid as (

    select measure_id, level, unit_code, period from {{ ref('int_scorecard_grid') }}

),

scorecard as (

    select measure_id, level, unit_code, period from {{ ref('fct_scorecard_monthly') }}

)

select grid.*, 'missing' as problem
from grid
left join scorecard
    on grid.measure_id = scorecard.measure_id
    and grid.level = scorecard.level
    and grid.unit_code = scorecard.unit_code
    and grid.period = scorecard.period
where scorecard.measure_id is null

union all

select scorecard.*, 'unexpected' as problem
from scorecard
left join grid
    on grid.measure_id = scorecard.measure_id
    and grid.level = scorecard.level
    and grid.unit_code = scorecard.unit_code
    and grid.period = scorecard.period
where grid.measure_id is null
