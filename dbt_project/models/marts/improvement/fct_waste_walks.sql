-- Waste walks: one row per walk and waste type (newest delivery of each), with the walk month.
select
    cast(walk_id as string) as walk_id,
    cast(walk_date as date) as walk_date,
    {{ month_of('walk_date') }} as walk_month,
    cast(csu_code as string) as csu_code,
    cast(location_code as string) as location_code,
    cast(waste_type as string) as waste_type,
    cast(observations as bigint) as observations,
    cast(actions_raised as bigint) as actions_raised,
    cast(actions_completed as bigint) as actions_completed
from {{ ref('stg_improvement__waste_walks') }}
where is_latest
