-- The PDSA log as it is now: one row per project and cycle, with the leading CSU.
select
    cast(changes.project_id as string) as project_id,
    cast(changes.cycle_no as int) as cycle_no,
    cast(changes.change_idea as string) as change_idea,
    cast(changes.pdsa_start as date) as pdsa_start,
    cast(changes.pdsa_end as date) as pdsa_end,
    cast(changes.decision as string) as decision,
    cast(changes.implemented_date as date) as implemented_date,
    cast(projects.csu_code as string) as csu_code,
    cast(changes.decision = 'adopt' as boolean) as is_adopted
from {{ ref('stg_improvement__qi_changes') }} as changes
inner join {{ ref('dim_qi_project') }} as projects
    on changes.project_id = projects.project_id
where changes.in_newest_snapshot
