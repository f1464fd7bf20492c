-- Each incident's latest picture, assigned to the CSU its location belonged to on the incident
-- date (org_structure valid_from/valid_to, both inclusive; on a changeover day the newer version
-- wins), with the flags the incident measures count. An incident whose location has no version
-- covering the date keeps the CSU the extract gave it.
with incidents as (

    select * from {{ ref('int_incidents_latest') }}

),

locations as (

    select location_code, csu_code, valid_from, valid_to
    from {{ ref('int_locations_versioned') }}

),

candidates as (

    select
        incidents.incident_id,
        locations.csu_code,
        row_number() over (
            partition by incidents.incident_id
            order by locations.valid_from desc nulls last, locations.csu_code
        ) as match_rank
    from incidents
    inner join locations
        on incidents.location_code = locations.location_code
        and incidents.incident_date >= locations.valid_from
        and (locations.valid_to is null or incidents.incident_date <= locations.valid_to)

),

assigned as (

    select
        incidents.*,
        coalesce(candidates.csu_code, incidents.csu_code) as assigned_csu_code,
        candidates.csu_code is not null as is_assigned_by_location
    from incidents
    left join candidates
        on incidents.incident_id = candidates.incident_id
        and candidates.match_rank = 1

)

select
    assigned.*,
    {{ month_of('incident_date') }} as incident_month,
    {{ month_of('reported_date') }} as reported_month,
    {{ month_of('learning_response_due') }} as learning_response_due_month,
    {{ dbt.datediff('incident_date', 'reported_date', 'day') }} as days_to_report,
    {{ dbt.datediff('reported_date', 'closed_date', 'day') }} as days_to_close,
    event_type = 'incident' and status <> 'rejected' as is_counted_incident,
    event_type = 'incident' and status <> 'rejected' and is_patient_safety
        as is_patient_safety_incident,
    physical_harm in ('moderate', 'severe', 'fatal') as is_moderate_or_worse_harm,
    physical_harm in ('severe', 'fatal') as is_severe_or_fatal_harm,
    category = 'patient_accident'
        and lower(trim(coalesce(subcategory, ''))) = 'fall'
        and physical_harm in ('low', 'moderate', 'severe', 'fatal') as is_fall_with_harm,
    learning_response is not null
        and learning_response <> 'NONE'
        and learning_response_due is not null as has_learning_response
from assigned
