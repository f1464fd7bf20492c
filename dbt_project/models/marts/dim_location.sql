-- The location history: one row per location and version, the CSU and site it belonged to
-- between valid_from and valid_to (inclusive; null valid_to = still current).
select
    cast(location_code as string) as location_code,
    cast(valid_from as date) as valid_from,
    cast(valid_to as date) as valid_to,
    cast(location_name as string) as location_name,
    cast(csu_code as string) as csu_code,
    cast(csu_name as string) as csu_name,
    cast(site_code as string) as site_code,
    cast(site_name as string) as site_name,
    cast(org_code as string) as org_code,
    cast(is_current as boolean) as is_current
from {{ ref('int_locations_versioned') }}
