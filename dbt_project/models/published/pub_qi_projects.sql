{{ config(alias='qi_projects') }}

-- The improvement register as BI tools and the report see it: one row per project of the newest
-- snapshot. Free text is never published below organisation level (docs/improvement-register.md), and a
-- project is led by a CSU or a ward, so its title and programme are not published: a project is
-- named by its id and described by its codes (CSU, goal, stage, linked measures).
select
    project_id,
    csu_code,
    location_code,
    strategy_goal,
    stage,
    progress_score,
    lead_staff_group,
    quality_partner_involved,
    patients_involved,
    start_date,
    end_date,
    presented_at,
    waste_type,
    scheme_id,
    is_active,
    intervention_date,
    intervention_basis,
    cycles,
    adopted_changes,
    stage_since
from {{ ref('dim_qi_project') }}
