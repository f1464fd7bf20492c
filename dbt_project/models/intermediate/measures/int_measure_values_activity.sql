-- D02: A&E attendances seen within 4 hours / all A&E attendances.
with frame as (

    {{ measure_frame() }}

),

organisation as (

    {{ organisation_unit() }}

),

activity_by_csu as (

    select csu_code, activity_month as period,
        sum(ae_within_4h) as ae_within_4h, sum(ae_attendances) as ae_attendances
    from {{ ref('fct_activity') }}
    group by csu_code, activity_month

),

activity as (

    {{ with_organisation_rollup('activity_by_csu', ['ae_within_4h', 'ae_attendances']) }}

),

counted as (

    select 'D02' as measure_id, level, unit_code, period,
        ae_within_4h as numerator, ae_attendances as denominator
    from activity

)

select
    frame.measure_id,
    frame.level,
    frame.unit_code,
    frame.period,
    cast(coalesce(counted.numerator, 0) as double) as numerator,
    cast(coalesce(counted.denominator, 0) as double) as denominator,
    cast(null as bigint) as responses,
    cast(null as double) as target,
    cast(null as string) as null_reason
from frame
left join counted
    on frame.measure_id = counted.measure_id
    and frame.level = counted.level
    and frame.unit_code = counted.unit_code
    and frame.period = counted.period
