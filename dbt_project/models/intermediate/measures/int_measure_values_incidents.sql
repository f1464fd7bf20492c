-- Q01-Q07 and D01 from fct_incidents, for every grid row (a month without incidents is 0). The
-- counting rules (one branch a measure) are in macros/incident_measure_counts.sql; the
-- denominator follows the catalogue's denominator_kind: the branch's own count (`counted`),
-- occupied bed days from the activity extract (`bed_days`) or none.
{%- set counts_sql = incident_measure_counts() %}
with frame as (

    {{ measure_frame(counts_sql) }}

),

counts as (

    {{ counts_sql }}

),

organisation as (

    {{ organisation_unit() }}

),

activity_by_csu as (

    select csu_code, activity_month as period, sum(occupied_bed_days) as occupied_bed_days
    from {{ ref('fct_activity') }}
    group by csu_code, activity_month

),

bed_days as (

    {{ with_organisation_rollup('activity_by_csu', ['occupied_bed_days']) }}

)

select
    frame.measure_id,
    frame.level,
    frame.unit_code,
    frame.period,
    cast(coalesce(counts.numerator, 0) as double) as numerator,
    cast(
        case frame.denominator_kind
            when 'bed_days' then coalesce(bed_days.occupied_bed_days, 0)
            when 'counted' then coalesce(counts.denominator_count, 0)
        end
    as double) as denominator,
    cast(null as bigint) as responses,
    cast(null as double) as target,
    cast(null as string) as null_reason
from frame
left join counts
    on frame.measure_id = counts.measure_id
    and frame.level = counts.level
    and frame.unit_code = counts.unit_code
    and frame.period = counts.period
left join bed_days
    on frame.level = bed_days.level
    and frame.unit_code = bed_days.unit_code
    and frame.period = bed_days.period
