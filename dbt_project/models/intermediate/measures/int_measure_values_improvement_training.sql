-- D03 (hours delivered), M05 (distinct staff completing a course in the month), M06 (distinct
-- staff who have ever completed a course by the month's end / the month's headcount) and M07
-- (distinct Quality Partners attending in the month). Distinct people are counted per level, so
-- the organisation figure is not the sum of the CSUs'.
with frame as (

    {{ measure_frame() }}

),

organisation as (

    {{ organisation_unit() }}

),

events as (

    select * from {{ ref('fct_improvement_training') }}

),

-- each event once per level it counts at
leveled as (

    select 'csu' as level, csu_code as unit_code, events.* from events
    union all
    select 'organisation' as level, organisation.org_code as unit_code, events.*
    from events cross join organisation

),

in_month as (

    select 'D03' as measure_id, level, unit_code, completion_month as period,
        sum(hours) as numerator
    from leveled where is_delivered
    group by level, unit_code, completion_month

    union all
    select 'M05', level, unit_code, completion_month, count(distinct person_key)
    from leveled where is_staff_course_completion
    group by level, unit_code, completion_month

    union all
    select 'M07', level, unit_code, completion_month, count(distinct person_key)
    from leveled where is_delivered and is_quality_partner
    group by level, unit_code, completion_month

),

first_completions as (

    select level, unit_code, person_key, min(completion_month) as first_month
    from leveled where is_staff_course_completion
    group by level, unit_code, person_key

),

cumulative as (

    select frame.level, frame.unit_code, frame.period, count(distinct first_completions.person_key) as trained
    from frame
    inner join first_completions
        on frame.level = first_completions.level
        and frame.unit_code = first_completions.unit_code
        and first_completions.first_month <= frame.period
    where frame.measure_id = 'M06'
    group by frame.level, frame.unit_code, frame.period

),

headcount as (

    select 'csu' as level, csu_code as unit_code, workforce_month as period, sum(headcount) as headcount
    from {{ ref('fct_workforce') }}
    group by csu_code, workforce_month

    union all

    select 'organisation' as level, organisation.org_code as unit_code, workforce.workforce_month as period,
        sum(workforce.headcount) as headcount
    from {{ ref('fct_workforce') }} as workforce
    cross join organisation
    group by organisation.org_code, workforce.workforce_month

)

select
    frame.measure_id,
    frame.level,
    frame.unit_code,
    frame.period,
    cast(
        case when frame.measure_id = 'M06' then coalesce(cumulative.trained, 0)
            else coalesce(in_month.numerator, 0) end
    as double) as numerator,
    cast(case when frame.measure_id = 'M06' then coalesce(headcount.headcount, 0) end as double)
        as denominator,
    cast(null as bigint) as responses,
    cast(null as double) as target,
    cast(null as string) as null_reason
from frame
left join in_month
    on frame.measure_id = in_month.measure_id
    and frame.level = in_month.level
    and frame.unit_code = in_month.unit_code
    and frame.period = in_month.period
left join cumulative
    on frame.measure_id = 'M06'
    and frame.level = cumulative.level
    and frame.unit_code = cumulative.unit_code
    and frame.period = cumulative.period
left join headcount
    on frame.measure_id = 'M06'
    and frame.level = headcount.level
    and frame.unit_code = headcount.unit_code
    and frame.period = headcount.period
