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

{{ measure_values_select('scores', 'scores.score', 'null', responses='scores.responses',
    target='scores.benchmark_average',
    null_reason="case when scores.score is null then 'no_survey' end") }}
