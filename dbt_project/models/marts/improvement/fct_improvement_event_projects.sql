-- Which projects each event presented: one row per event and project. The list is matched by
-- delimiters (';' || list || ';' contains ';' || id || ';'), which every engine runs the same
-- way; a listed id that is not in the register has no row, and a test compares the counts.
select
    cast(events.event_id as string) as event_id,
    cast(events.event_date as date) as event_date,
    cast(projects.project_id as string) as project_id
from {{ ref('stg_improvement__improvement_events') }} as events
inner join {{ ref('dim_qi_project') }} as projects
    on ';' || events.projects_presented || ';' like '%;' || projects.project_id || ';%'
where events.is_latest
