-- The units every measure is reported for: the organisation and each CSU in org_structure.
with versions as (

    select * from {{ ref('int_locations_versioned') }}

),

csu_names as (

    select
        csu_code,
        csu_name,
        org_code,
        row_number() over (
            partition by csu_code
            order by valid_from desc nulls last, location_code
        ) as version_rank
    from versions

),

organisation as (

    select
        org_code,
        coalesce(org_name, org_code) as org_name,
        row_number() over (order by org_code nulls last) as org_rank
    from {{ ref('int_organisation_names') }}

)

select
    cast('organisation' as string) as level,
    cast(org_code as string) as unit_code,
    cast(org_name as string) as unit_name,
    cast(org_code as string) as org_code
from organisation
where org_rank = 1

union all

select
    cast('csu' as string) as level,
    cast(csu_code as string) as unit_code,
    cast(csu_name as string) as unit_name,
    cast(org_code as string) as org_code
from csu_names
where version_rank = 1
