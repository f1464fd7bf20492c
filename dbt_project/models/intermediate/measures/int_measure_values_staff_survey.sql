-- M02 (ENGAGEMENT) and M08 (MORALE): the Staff Survey theme score as delivered, yearly; the
-- numerator is the score itself (no denominator) and the target the benchmark-group average.
with frame as (

    {{ measure_frame() }}

),

scores as (

    select
        measure_id,
        case breakdown_type when 'organisation' then 'organisation' else 'csu' end as level,
        breakdown_code as unit_code,
        period,
        score,
        responses,
        benchmark_average
    from {{ ref('fct_staff_survey_scores') }}
    where measure_id in ('M02', 'M08')
      and breakdown_type in ('organisation', 'csu')

)

select
    frame.measure_id,
    frame.level,
    frame.unit_code,
    frame.period,
    cast(scores.score as double) as numerator,
    cast(null as double) as denominator,
    cast(scores.responses as bigint) as responses,
    cast(scores.benchmark_average as double) as target,
    cast(case when scores.score is null then 'no_survey' end as string) as null_reason
from frame
left join scores
    on frame.measure_id = scores.measure_id
    and frame.level = scores.level
    and frame.unit_code = scores.unit_code
    and frame.period = scores.period
