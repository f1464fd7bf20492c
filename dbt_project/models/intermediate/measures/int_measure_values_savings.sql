-- C01 (actual / plan), C02 (actual, against the month's plan as target) and C03 (recurrent actual
-- / all actual) from the waste-reduction schemes, by the scheme's CSU.
with frame as (

    {{ measure_frame() }}

),

organisation as (

    {{ organisation_unit() }}

),

by_csu as (

    select
        csu_code,
        saving_month as period,
        sum(actual_gbp) as actual_gbp,
        sum(plan_gbp) as plan_gbp,
        sum(case when recurrence = 'recurrent' then actual_gbp else 0 end) as recurrent_actual_gbp
    from {{ ref('fct_waste_savings') }}
    group by csu_code, saving_month

),

aggregated as (

    {{ with_organisation_rollup('by_csu', ['actual_gbp', 'plan_gbp', 'recurrent_actual_gbp']) }}

),

-- every unit-month of the grid, a month without schemes as zeros (C02's target, the plan, is 0)
unit_months as (

    {{ unit_periods_zero_filled('aggregated', ['actual_gbp', 'plan_gbp', 'recurrent_actual_gbp']) }}

),

counted as (

    select 'C01' as measure_id, level, unit_code, period,
        actual_gbp as numerator, plan_gbp as denominator, cast(null as double) as target
    from unit_months

    union all
    select 'C02', level, unit_code, period, actual_gbp, cast(null as double), plan_gbp
    from unit_months

    union all
    select 'C03', level, unit_code, period, recurrent_actual_gbp, actual_gbp, cast(null as double)
    from unit_months

)

{{ measure_values_select('counted', 'counted.numerator', 'counted.denominator',
    target='counted.target') }}
