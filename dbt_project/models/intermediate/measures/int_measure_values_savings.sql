-- C01 (actual / plan), C02 (actual, against the month's plan as target) and C03 (recurrent actual
-- / all actual) from the waste-reduction schemes, by the scheme's CSU.
with frame as (

    {{ measure_frame(['C01', 'C02', 'C03']) }}

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

)

select
    frame.measure_id,
    frame.level,
    frame.unit_code,
    frame.period,
    cast(
        case when frame.measure_id = 'C03' then coalesce(aggregated.recurrent_actual_gbp, 0)
            else coalesce(aggregated.actual_gbp, 0) end
    as double) as numerator,
    cast(
        case frame.measure_id
            when 'C01' then coalesce(aggregated.plan_gbp, 0)
            when 'C03' then coalesce(aggregated.actual_gbp, 0)
        end
    as double) as denominator,
    cast(null as bigint) as responses,
    cast(case when frame.measure_id = 'C02' then coalesce(aggregated.plan_gbp, 0) end as double)
        as target,
    cast(null as string) as null_reason
from frame
left join aggregated
    on frame.level = aggregated.level
    and frame.unit_code = aggregated.unit_code
    and frame.period = aggregated.period
