-- Statutory and mandatory training compliance, aggregated: one row per month, CSU, staff group
-- and competence, from the latest snapshot dated in that month (the rule for M03/M04).
-- Incremental (configured in dbt_project.yml): a run rebuilds the last
-- `lookback_months` (var) months before the newest month already built, and anything newer.
with snapshot_rows as (

    select
        snapshot_date,
        {{ month_of('snapshot_date') }} as period,
        person_key,
        csu_code,
        staff_group,
        competence_code,
        required,
        status
    from {{ ref('stg_training__mandatory_training') }}
    where is_latest

),

latest_snapshot_in_month as (

    select period, max(snapshot_date) as snapshot_date
    from snapshot_rows
    group by period

),

aggregated as (

    select
        snapshot_rows.period,
        snapshot_rows.snapshot_date,
        snapshot_rows.csu_code,
        snapshot_rows.staff_group,
        snapshot_rows.competence_code,
        count(*) as competence_rows,
        -- the latest rows hold a (snapshot, person, competence) once, so within a group of one
        -- snapshot and competence every row is a different person: no distinct needed
        count(*) as people,
        sum(case when snapshot_rows.required then 1 else 0 end) as required_count,
        sum(case when snapshot_rows.required and snapshot_rows.status = 'compliant' then 1 else 0 end)
            as compliant_count
    from snapshot_rows
    inner join latest_snapshot_in_month
        on snapshot_rows.period = latest_snapshot_in_month.period
        and snapshot_rows.snapshot_date = latest_snapshot_in_month.snapshot_date
    {% if is_incremental() %}
    where snapshot_rows.period >= (
        select cast({{ dbt.dateadd('month', -1 * var('lookback_months'), 'max(period)') }} as date)
        from {{ this }}
    )
    {% endif %}
    group by
        snapshot_rows.period,
        snapshot_rows.snapshot_date,
        snapshot_rows.csu_code,
        snapshot_rows.staff_group,
        snapshot_rows.competence_code

)

select
    cast(period as date) as period,
    cast(snapshot_date as date) as snapshot_date,
    cast(csu_code as string) as csu_code,
    cast(staff_group as string) as staff_group,
    cast(competence_code as string) as competence_code,
    cast(competence_code like 'CSTF%' as boolean) as is_national_competence,
    cast(competence_rows as bigint) as competence_rows,
    cast(people as bigint) as people,
    cast(required_count as bigint) as required_count,
    cast(compliant_count as bigint) as compliant_count
from aggregated
