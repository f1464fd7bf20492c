-- S01-S05 from the Friends and Family Test (don't know stays in the denominator).
with frame as (

    {{ measure_frame() }}

),

organisation as (

    {{ organisation_unit() }}

),

counted as (

    select 'S01' as measure_id, response_month as period, csu_code,
        positive_responses as numerator, total_responses as denominator,
        total_responses as responses
    from {{ ref('fct_fft_responses') }} where setting = 'inpatient'

    union all
    select 'S02', response_month, csu_code, positive_responses, total_responses, total_responses
    from {{ ref('fct_fft_responses') }} where setting = 'ae'

    union all
    select 'S03', response_month, csu_code, positive_responses, total_responses, total_responses
    from {{ ref('fct_fft_responses') }} where setting in ('maternity', 'outpatient')

    union all
    select 'S04', response_month, csu_code, negative_responses, total_responses, total_responses
    from {{ ref('fct_fft_responses') }}

    union all
    -- response rate: only rows that report an eligible count, in both parts
    select 'S05', response_month, csu_code, total_responses, total_eligible, total_responses
    from {{ ref('fct_fft_responses') }} where setting = 'inpatient' and total_eligible is not null

),

aggregated as (

    select measure_id, 'csu' as level, csu_code as unit_code, period,
        sum(numerator) as numerator, sum(denominator) as denominator, sum(responses) as responses
    from counted
    group by measure_id, csu_code, period

    union all

    select counted.measure_id, 'organisation' as level, organisation.org_code as unit_code, counted.period,
        sum(counted.numerator) as numerator, sum(counted.denominator) as denominator,
        sum(counted.responses) as responses
    from counted
    cross join organisation
    group by counted.measure_id, organisation.org_code, counted.period

)

{{ measure_values_select('aggregated', 'coalesce(aggregated.numerator, 0)',
    'coalesce(aggregated.denominator, 0)', responses='coalesce(aggregated.responses, 0)') }}
