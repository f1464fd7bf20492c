-- Every project an event lists is in the register: an event whose list names more projects than
-- fct_improvement_event_projects matched (an unknown or mistyped id) is returned, by id.
select events.event_id, events.projects_presented_count, count(matched.project_id) as matched
from {{ ref('fct_improvement_events') }} as events
left join {{ ref('fct_improvement_event_projects') }} as matched
    on events.event_id = matched.event_id
group by events.event_id, events.projects_presented_count
having count(matched.project_id) <> events.projects_presented_count
