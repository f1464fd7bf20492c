{{ config(alias='qi_pdsa_log') }}

-- The PDSA log: each change a project tested, when, and what was decided. The change idea is
-- free text below organisation level and is not published (see qi_projects).
select project_id, cycle_no, pdsa_start, pdsa_end, decision, implemented_date, csu_code,
       is_adopted
from {{ ref('fct_qi_changes') }}
