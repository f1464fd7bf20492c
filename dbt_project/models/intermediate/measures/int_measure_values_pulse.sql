-- M01: pulse-survey engagement, quarterly: the sum of scored answers over the number of answers.
-- `responses` is the respondents estimate: the most answers any one item received.
with frame as (

    {{ measure_frame(['M01']) }}

),

organisation as (

    {{ organisation_unit() }}

),

by_csu as (

    select
        quarter_start as period,
        csu_code,
        sum(score_sum) as score_sum,
        sum(answers) as answers,
        max(answers) as respondents
    from {{ ref('fct_pulse_survey') }}
    group by quarter_start, csu_code

),

aggregated as (

    {{ with_organisation_rollup('by_csu', ['score_sum', 'answers', 'respondents']) }}

)

select
    frame.measure_id,
    frame.level,
    frame.unit_code,
    frame.period,
    cast(aggregated.score_sum as double) as numerator,
    cast(aggregated.answers as double) as denominator,
    cast(aggregated.respondents as bigint) as responses,
    cast(null as double) as target,
    cast(case when aggregated.answers is null then 'no_survey' end as string) as null_reason
from frame
left join aggregated
    on frame.level = aggregated.level
    and frame.unit_code = aggregated.unit_code
    and frame.period = aggregated.period
