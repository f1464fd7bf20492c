-- The QI project register as it is now (the newest nightly snapshot), with what the impact
-- verdicts and the report need: whether the project is active, its intervention date by the
-- rule of docs/improvement-register.md (the earliest implemented date of its adopted changes;
-- with none, the earliest PDSA start; with no change at all, the start date), its cycles and
-- when it entered its current stage.
with projects as (

    select * from {{ ref('stg_improvement__qi_projects') }}
    where in_newest_snapshot

),

changes as (

    select
        project_id,
        count(*) as cycles,
        sum(case when decision = 'adopt' then 1 else 0 end) as adopted_changes,
        min(case when decision = 'adopt' then implemented_date end) as first_implemented,
        min(pdsa_start) as first_pdsa_start
    from {{ ref('stg_improvement__qi_changes') }}
    where in_newest_snapshot
    group by project_id

),

current_stage as (

    select project_id, stage_from
    from {{ ref('fct_qi_project_stages') }}
    where is_current

)

select
    cast(projects.project_id as string) as project_id,
    cast(projects.title as string) as title,
    cast(projects.csu_code as string) as csu_code,
    cast(projects.location_code as string) as location_code,
    cast(projects.programme as string) as programme,
    cast(projects.strategy_goal as string) as strategy_goal,
    cast(projects.stage as string) as stage,
    cast(projects.progress_score as decimal(3,1)) as progress_score,
    cast(projects.lead_staff_group as string) as lead_staff_group,
    cast(projects.quality_partner_involved as boolean) as quality_partner_involved,
    cast(projects.patients_involved as boolean) as patients_involved,
    cast(projects.start_date as date) as start_date,
    cast(projects.end_date as date) as end_date,
    cast(projects.presented_at as string) as presented_at,
    cast(projects.waste_type as string) as waste_type,
    cast(projects.scheme_id as string) as scheme_id,
    cast(projects.stage in ({{ qi_active_stages() }}) as boolean) as is_active,
    cast(coalesce(changes.first_implemented, changes.first_pdsa_start, projects.start_date)
        as date) as intervention_date,
    cast(
        case
            when changes.first_implemented is not null then 'implemented'
            when changes.first_pdsa_start is not null then 'pdsa_start'
            else 'start_date'
        end
    as string) as intervention_basis,
    cast(coalesce(changes.cycles, 0) as int) as cycles,
    cast(coalesce(changes.adopted_changes, 0) as int) as adopted_changes,
    cast(current_stage.stage_from as date) as stage_since
from projects
left join changes on projects.project_id = changes.project_id
left join current_stage on projects.project_id = current_stage.project_id
