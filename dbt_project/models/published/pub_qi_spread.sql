{{ config(alias='qi_spread') }}

-- Where a project's change is being adopted beyond its leading CSU, and from when.
select project_id, csu_code, location_code, status, adopted_date, lead_csu_code, is_adopted
from {{ ref('fct_qi_spread') }}
