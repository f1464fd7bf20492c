-- Spread as it is now: one row per project and adopting CSU (and location, when given), with
-- the leading CSU; is_adopted from adopted on (adopted or sustained), when the adoption date
-- starts the adopting unit's post-intervention points.
select
    cast(spread.project_id as string) as project_id,
    cast(spread.csu_code as string) as csu_code,
    cast(spread.location_code as string) as location_code,
    cast(spread.status as string) as status,
    cast(spread.adopted_date as date) as adopted_date,
    cast(projects.csu_code as string) as lead_csu_code,
    cast(spread.status in ('adopted', 'sustained') as boolean) as is_adopted
from {{ ref('stg_improvement__qi_spread') }} as spread
inner join {{ ref('dim_qi_project') }} as projects
    on spread.project_id = projects.project_id
where spread.in_newest_snapshot
