-- Which projects each event presented: one row per event and project. The list is split into
-- one row per listed id and joined on equality (a `like` on the delimited list is a nested loop
-- on Spark); a listed id that is not in the register has no row, and a test compares the counts.
with listed as (

    select
        event_id,
        event_date,
        {{ split_to_rows('projects_presented', ';') }} as project_id
    from {{ ref('stg_improvement__improvement_events') }}
    where is_latest

)

select distinct
    cast(listed.event_id as string) as event_id,
    cast(listed.event_date as date) as event_date,
    cast(projects.project_id as string) as project_id
from listed
inner join {{ ref('dim_qi_project') }} as projects
    on listed.project_id = projects.project_id
