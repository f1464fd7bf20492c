{{ config(alias='dim_csu') }}

-- The CSUs as BI tools see them.
select
    csu_code,
    csu_name,
    org_code,
    org_name,
    locations_ever,
    locations_current,
    first_valid_from
from {{ ref('dim_csu') }}
