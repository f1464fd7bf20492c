-- For every measure and unit: the latest period with a value, that value, the value of the
-- previous period with a value, and the change between them.
with ranked as (

    select
        measure_id,
        level,
        unit_code,
        period,
        value,
        row_number() over (
            partition by measure_id, level, unit_code
            order by period desc nulls last
        ) as recency
    from {{ ref('fct_scorecard_monthly') }}
    where value is not null

),

latest as (

    select * from ranked where recency = 1

),

previous as (

    select * from ranked where recency = 2

)

select
    cast(latest.measure_id as string) as measure_id,
    cast(latest.level as string) as level,
    cast(latest.unit_code as string) as unit_code,
    cast(latest.period as date) as latest_period,
    cast(latest.value as double) as latest_value,
    cast(previous.period as date) as previous_period,
    cast(previous.value as double) as previous_value,
    cast(latest.value - previous.value as double) as change_from_previous
from latest
left join previous
    on latest.measure_id = previous.measure_id
    and latest.level = previous.level
    and latest.unit_code = previous.unit_code
