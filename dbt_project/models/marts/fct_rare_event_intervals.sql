-- The events of every rare-event measure (the catalogue's event_chart_type, e.g. g for Q03 and
-- Q04), one row per event at both levels, with the days since the unit's previous event: what a
-- g chart plots. The events are the incidents the measure's monthly count counts (the same
-- rules, macros/incident_measure_counts.sql), within the scorecard's months.
with {{ incident_measure_rows() }},

event_measures as (

    select measure_id
    from {{ ref('measure_catalogue') }}
    where event_chart_type is not null and event_chart_type <> ''

),

spine as (

    select min(period) as first_period, max(period) as last_period
    from {{ ref('int_month_spine') }}

),

events as (

    select counted.measure_id, counted.csu_code, counted.period, counted.event_date,
        counted.incident_id
    from counted
    inner join event_measures
        on counted.measure_id = event_measures.measure_id
    cross join spine
    where counted.in_numerator = 1
        and counted.event_date is not null
        and counted.period >= spine.first_period
        and counted.period <= spine.last_period

),

organisation as (

    {{ organisation_unit() }}

),

by_unit as (

    select measure_id, 'csu' as level, csu_code as unit_code, period, event_date, incident_id
    from events
    where csu_code is not null

    union all

    select events.measure_id, 'organisation' as level, organisation.org_code as unit_code,
        events.period, events.event_date, events.incident_id
    from events
    cross join organisation

),

numbered as (

    select
        *,
        row_number() over (
            partition by measure_id, level, unit_code order by event_date, incident_id
        ) as event_number,
        lag(event_date) over (
            partition by measure_id, level, unit_code order by event_date, incident_id
        ) as previous_event_date
    from by_unit

)

select
    cast(measure_id as string) as measure_id,
    cast(level as string) as level,
    cast(unit_code as string) as unit_code,
    cast(event_number as int) as event_number,
    cast(event_date as date) as event_date,
    cast(period as date) as period,
    cast(incident_id as string) as incident_id,
    cast(previous_event_date as date) as previous_event_date,
    cast({{ dbt.datediff('previous_event_date', 'event_date', 'day') }} as int)
        as days_since_previous_event
from numbered
