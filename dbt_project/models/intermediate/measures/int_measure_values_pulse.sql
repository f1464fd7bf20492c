-- M01: pulse-survey engagement, quarterly: the sum of scored answers over the number of answers.
-- `responses` is the respondents estimate: the most answers any one item received.
with frame as (

    {{ measure_frame() }}

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

),

counted as (

    select 'M01' as measure_id, level, unit_code, period,
        score_sum as numerator, answers as denominator, respondents as responses
    from aggregated

)

{{ measure_values_select('counted', 'counted.numerator', 'counted.denominator',
    responses='counted.responses',
    null_reason="case when counted.denominator is null then 'no_survey' end") }}
