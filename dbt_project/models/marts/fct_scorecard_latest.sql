-- For every measure and unit: the latest period with a value, that value, the value of the
-- previous period with a value, and the change between them. A period the measure's source has
-- not reached (provisional_reason not_delivered: the grid's zero or null, not data) is never
-- latest. Staleness: age_days counts from the latest period's last day to the newest extract date
-- loaded for any source (int_measure_as_of.staleness_as_of); beyond the catalogue's overdue_days
-- the measure is stale (its source has stopped arriving).
with ranked as (

    select
        measure_id,
        level,
        unit_code,
        period,
        value,
        is_provisional,
        {{ period_last_day('period', 'frequency') }} as period_last_day,
        row_number() over (
            partition by measure_id, level, unit_code
            order by period desc nulls last
        ) as recency
    from {{ ref('fct_scorecard_monthly') }}
    where value is not null
        and coalesce(provisional_reason, '') <> 'not_delivered'

),

latest as (

    select * from ranked where recency = 1

),

previous as (

    select * from ranked where recency = 2

),

as_of as (

    select measure_id, overdue_days, staleness_as_of from {{ ref('int_measure_as_of') }}

),

aged as (

    select
        latest.*,
        as_of.overdue_days,
        as_of.staleness_as_of,
        {{ dbt.datediff('latest.period_last_day', 'as_of.staleness_as_of', 'day') }} as age_days
    from latest
    left join as_of
        on latest.measure_id = as_of.measure_id

)

select
    cast(latest.measure_id as string) as measure_id,
    cast(latest.level as string) as level,
    cast(latest.unit_code as string) as unit_code,
    cast(latest.period as date) as latest_period,
    cast(latest.value as double) as latest_value,
    cast(previous.period as date) as previous_period,
    cast(previous.value as double) as previous_value,
    cast(latest.value - previous.value as double) as change_from_previous,
    cast(latest.is_provisional as boolean) as latest_is_provisional,
    cast(latest.staleness_as_of as date) as staleness_as_of,
    cast(latest.age_days as int) as age_days,
    cast(latest.overdue_days as int) as overdue_days,
    cast(coalesce(latest.age_days > latest.overdue_days, false) as boolean) as is_stale
from aged as latest
left join previous
    on latest.measure_id = previous.measure_id
    and latest.level = previous.level
    and latest.unit_code = previous.unit_code
