-- Every rare-event measure's events (fct_rare_event_intervals) add up, per unit and month, to its
-- monthly count: the g chart and the count chart tell of the same incidents. The count is taken
-- from int_measure_values_incidents (every month, from the current incidents), not from the
-- incremental fct_scorecard_monthly, whose months before its lookback window keep the counts of
-- the night they were built (README, "Backfill a month"). Returns the months where they differ.
with events as (

    select measure_id, level, unit_code, period, count(*) as events
    from {{ ref('fct_rare_event_intervals') }}
    group by measure_id, level, unit_code, period

),

counts as (

    select scorecard.measure_id, scorecard.level, scorecard.unit_code, scorecard.period,
        scorecard.numerator
    from {{ ref('int_measure_values_incidents') }} as scorecard
    inner join {{ ref('dim_measure') }} as measures
        on scorecard.measure_id = measures.measure_id
    where measures.event_chart_type is not null and measures.event_chart_type <> ''

)

select
    coalesce(counts.measure_id, events.measure_id) as measure_id,
    coalesce(counts.level, events.level) as level,
    coalesce(counts.unit_code, events.unit_code) as unit_code,
    coalesce(counts.period, events.period) as period,
    counts.numerator,
    events.events
from counts
full outer join events
    on counts.measure_id = events.measure_id
    and counts.level = events.level
    and counts.unit_code = events.unit_code
    and counts.period = events.period
where coalesce(counts.numerator, 0) <> coalesce(events.events, 0)
