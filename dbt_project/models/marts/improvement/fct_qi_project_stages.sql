-- Each project's stage history, read back from the register's nightly snapshots: one row per
-- stage a project entered, from the first delivery that showed it in that stage until the first
-- delivery that showed the next one. A project already under way at its first delivery starts
-- at that delivery's date (the register keeps no earlier history).
with snapshots as (

    select project_id, extract_date, stage
    from {{ ref('stg_improvement__qi_projects') }}

),

newest as (

    select max(extract_date) as extract_date from snapshots

),

compared as (

    select
        project_id,
        extract_date,
        stage,
        lag(stage) over (
            partition by project_id order by extract_date nulls last
        ) as previous_stage
    from snapshots

),

entered as (

    select project_id, stage, extract_date as stage_from
    from compared
    where previous_stage is null or previous_stage <> stage

),

last_seen as (

    select project_id, max(extract_date) as last_seen
    from snapshots
    group by project_id

),

ranged as (

    select
        project_id,
        stage,
        stage_from,
        lead(stage_from) over (
            partition by project_id order by stage_from nulls last
        ) as stage_to
    from entered

)

select
    cast(ranged.project_id as string) as project_id,
    cast(ranged.stage as string) as stage,
    cast(ranged.stage_from as date) as stage_from,
    cast(ranged.stage_to as date) as stage_to,
    cast(ranged.stage_to is null and last_seen.last_seen = newest.extract_date as boolean)
        as is_current
from ranged
inner join last_seen on ranged.project_id = last_seen.project_id
cross join newest
