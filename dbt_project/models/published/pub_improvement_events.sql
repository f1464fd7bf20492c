{{ config(alias='improvement_events') }}

-- Report-outs, network events and the waste conference (organisation-wide events).
select event_id, event_date, event_month, event_type, attendees, executive_present,
       partner_organisations, projects_presented_count
from {{ ref('fct_improvement_events') }}
