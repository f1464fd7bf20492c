-- The measures each project links, as it is now: a scorecard measure at organisation or CSU
-- level, or a project's own L- measure (level project, unit = the project).
select
    cast(links.project_id as string) as project_id,
    cast(links.measure_id as string) as measure_id,
    cast(links.role as string) as role,
    cast(links.level as string) as level,
    cast(links.unit_code as string) as unit_code,
    cast(links.target as double) as target,
    cast(links.level = 'project' as boolean) as is_local
from {{ ref('stg_improvement__qi_project_measures') }} as links
inner join {{ ref('dim_qi_project') }} as projects
    on links.project_id = projects.project_id
where links.in_newest_snapshot
