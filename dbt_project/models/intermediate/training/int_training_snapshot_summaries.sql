-- Each ESR training snapshot summarised once, when it arrives: one row per snapshot date, CSU,
-- staff group and competence, from the snapshot's latest rows (stg_training__mandatory_training's
-- is_latest). Incremental, keyed by snapshot_date (dbt_project.yml): a run re-summarises only the
-- snapshot dates a delivery loaded since the last run touched, so a night without a new training
-- file reads nothing from the 200 M-row history but the load log. `--full-refresh` rebuilds all.
{%- set changed_snapshot_dates = training_snapshots_to_summarise() %}

with snapshot_rows as (

    select
        snapshot_date,
        csu_code,
        staff_group,
        competence_code,
        required,
        status,
        extract_date,
        is_latest
    from {{ ref('stg_training__mandatory_training') }}
    {% if changed_snapshot_dates is not none %}
    where {{ in_dates('snapshot_date', changed_snapshot_dates) }}
    {% endif %}

),

aggregated as (

    select
        snapshot_date,
        csu_code,
        staff_group,
        competence_code,
        -- the latest rows hold a (snapshot, person, competence) once, so within a group of one
        -- snapshot and competence every latest row is a different person: no distinct needed
        sum(case when is_latest then 1 else 0 end) as competence_rows,
        sum(case when is_latest and required then 1 else 0 end) as required_count,
        sum(case when is_latest and required and status = 'compliant' then 1 else 0 end)
            as compliant_count,
        -- every delivery that holds rows of the snapshot, superseded or not: a later
        -- re-delivery of one of them re-summarises the snapshot
        min(extract_date) as first_extract_date,
        max(extract_date) as last_extract_date
    from snapshot_rows
    group by snapshot_date, csu_code, staff_group, competence_code

),

summarised as (

    select
        snapshot_date,
        csu_code,
        staff_group,
        competence_code,
        competence_rows,
        required_count,
        compliant_count,
        min(first_extract_date) over (partition by snapshot_date) as first_extract_date,
        max(last_extract_date) over (partition by snapshot_date) as last_extract_date
    from aggregated

)

select
    cast(snapshot_date as date) as snapshot_date,
    {{ month_of('snapshot_date') }} as period,
    cast(csu_code as string) as csu_code,
    cast(staff_group as string) as staff_group,
    cast(competence_code as string) as competence_code,
    cast(competence_rows as bigint) as competence_rows,
    cast(competence_rows as bigint) as people,
    cast(required_count as bigint) as required_count,
    cast(compliant_count as bigint) as compliant_count,
    cast(first_extract_date as date) as first_extract_date,
    cast(last_extract_date as date) as last_extract_date,
    -- the load log's newest training load when this row was written: the next run's watermark
    cast(({{ training_loads_through() }}) as timestamp) as summarised_through
from summarised
-- a group whose rows were all superseded by a later delivery of the same snapshot
where competence_rows > 0
