{{ config(alias='qi_project_measures') }}

-- What each project tries to move: a scorecard measure at a level and unit, or a local measure
-- (level 'project', unit_code = the project id).
select project_id, measure_id, role, level, unit_code, target, is_local
from {{ ref('fct_qi_project_measures') }}
