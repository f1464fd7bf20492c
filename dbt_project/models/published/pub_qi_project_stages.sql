{{ config(alias='qi_project_stages') }}

-- Each project's stage history, from the nightly snapshots of the register.
select project_id, stage, stage_from, stage_to, is_current
from {{ ref('fct_qi_project_stages') }}
