{{ config(alias='waste_walks') }}

-- Waste walks: one row per walk and Lean waste type, with what was seen and the actions.
select walk_id, walk_date, walk_month, csu_code, location_code, waste_type, observations,
       actions_raised, actions_completed
from {{ ref('fct_waste_walks') }}
