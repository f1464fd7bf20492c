{{ config(alias='improvement_event_projects') }}

-- Which projects were presented at which event.
select event_id, event_date, project_id
from {{ ref('fct_improvement_event_projects') }}
