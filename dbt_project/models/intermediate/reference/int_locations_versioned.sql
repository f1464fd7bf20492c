-- One row per location and version (the newest delivery of each), with the dates the location
-- belonged to its CSU. `is_current` marks each location's most recent version.
with versions as (

    select
        org_code,
        org_name,
        site_code,
        site_name,
        csu_code,
        csu_name,
        location_code,
        location_name,
        valid_from,
        valid_to
    from {{ ref('stg_reference__org_structure') }}
    where is_latest

)

select
    org_code,
    org_name,
    site_code,
    site_name,
    csu_code,
    csu_name,
    location_code,
    location_name,
    valid_from,
    valid_to,
    row_number() over (
        partition by location_code
        order by valid_from desc nulls last, csu_code
    ) = 1 as is_current
from versions
