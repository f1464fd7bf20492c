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

{{ measure_values_select('counted', 'coalesce(counted.numerator, 0)',
    'coalesce(counted.denominator, 0)') }}
