-- M03 (every required competence) and M04 (CSTF_INFO_GOV only): compliant / required in the
-- latest snapshot dated in the month. A month without any snapshot has no value (no_snapshot).
with frame as (

    {{ measure_frame() }}

),

organisation as (

    {{ organisation_unit() }}

),

snapshot_months as (

    select distinct period from {{ ref('fct_training_compliance') }}

),

counted as (

    select 'M03' as measure_id, period, csu_code, compliant_count, required_count
    from {{ ref('fct_training_compliance') }}

    union all
    select 'M04', period, csu_code, compliant_count, required_count
    from {{ ref('fct_training_compliance') }}
    where competence_code = 'CSTF_INFO_GOV'

),

aggregated as (

    select measure_id, 'csu' as level, csu_code as unit_code, period,
        sum(compliant_count) as compliant, sum(required_count) as required
    from counted
    group by measure_id, csu_code, period

    union all

    select counted.measure_id, 'organisation' as level, organisation.org_code as unit_code, counted.period,
        sum(counted.compliant_count) as compliant, sum(counted.required_count) as required
    from counted
    cross join organisation
    group by counted.measure_id, organisation.org_code, counted.period

)

select
    frame.measure_id,
    frame.level,
    frame.unit_code,
    frame.period,
    cast(case when snapshot_months.period is not null then coalesce(aggregated.compliant, 0) end as double)
        as numerator,
    cast(case when snapshot_months.period is not null then coalesce(aggregated.required, 0) end as double)
        as denominator,
    cast(null as bigint) as responses,
    cast(null as double) as target,
    cast(case when snapshot_months.period is null then 'no_snapshot' end as string) as null_reason
from frame
left join snapshot_months
    on frame.period = snapshot_months.period
left join aggregated
    on frame.measure_id = aggregated.measure_id
    and frame.level = aggregated.level
    and frame.unit_code = aggregated.unit_code
    and frame.period = aggregated.period
