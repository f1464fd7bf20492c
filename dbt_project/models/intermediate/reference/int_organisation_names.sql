-- One row per organisation code: its name from the newest version of org_structure that gives
-- one (the column is optional in the extract), null where no delivery names it.
with versions as (

    select * from {{ ref('int_locations_versioned') }}

),

ranked as (

    select
        org_code,
        org_name,
        row_number() over (
            partition by org_code
            order by case when org_name is null then 1 else 0 end,
                valid_from desc nulls last, location_code
        ) as name_rank
    from versions

)

select
    cast(org_code as string) as org_code,
    cast(org_name as string) as org_name
from ranked
where name_rank = 1
