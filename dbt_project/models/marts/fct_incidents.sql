-- One row per incident: its latest grading, the CSU it counts for (its location's CSU on the
-- incident date) and the flags the incident measures count.
-- Incremental (configured in dbt_project.yml): a run rebuilds whole incident months - the months
-- touched by rows delivered since the last run (including the month an incident used to sit in),
-- plus the last `lookback_months` (var) months.
with incidents as (

    select * from {{ ref('int_incidents_assigned_to_csu') }}

),

regrade_counts as (

    select
        incident_id,
        sum(case when is_regrade then 1 else 0 end) as regrade_count
    from {{ ref('int_incident_regradings_listed') }}
    group by incident_id

),

final as (

    select
        cast(incidents.incident_id as string) as incident_id,
        cast(incidents.lfpse_ref as string) as lfpse_ref,
        cast(incidents.event_type as string) as event_type,
        cast(incidents.is_patient_safety as boolean) as is_patient_safety,
        cast(incidents.incident_date as date) as incident_date,
        cast(incidents.reported_date as date) as reported_date,
        cast(incidents.closed_date as date) as closed_date,
        cast(incidents.status as string) as status,
        cast(incidents.site_code as string) as site_code,
        cast(incidents.location_code as string) as location_code,
        cast(incidents.assigned_csu_code as string) as csu_code,
        cast(incidents.csu_code as string) as extract_csu_code,
        cast(incidents.is_assigned_by_location as boolean) as is_assigned_by_location,
        cast(incidents.specialty_code as string) as specialty_code,
        cast(incidents.category as string) as category,
        cast(incidents.subcategory as string) as subcategory,
        cast(incidents.physical_harm as string) as physical_harm,
        cast(incidents.psychological_harm as string) as psychological_harm,
        cast(incidents.is_never_event as boolean) as is_never_event,
        cast(incidents.duty_of_candour as boolean) as duty_of_candour,
        cast(incidents.learning_response as string) as learning_response,
        cast(incidents.learning_response_due as date) as learning_response_due,
        cast(incidents.learning_response_completed as date) as learning_response_completed,
        cast(incidents.patient_imd_decile as int) as patient_imd_decile,
        cast(incidents.patient_ethnic_group as string) as patient_ethnic_group,
        cast(incidents.incident_month as date) as incident_month,
        cast(incidents.reported_month as date) as reported_month,
        cast(incidents.learning_response_due_month as date) as learning_response_due_month,
        cast(incidents.days_to_report as int) as days_to_report,
        cast(incidents.days_to_close as int) as days_to_close,
        cast(incidents.is_counted_incident as boolean) as is_counted_incident,
        cast(incidents.is_patient_safety_incident as boolean) as is_patient_safety_incident,
        cast(incidents.is_moderate_or_worse_harm as boolean) as is_moderate_or_worse_harm,
        cast(incidents.is_severe_or_fatal_harm as boolean) as is_severe_or_fatal_harm,
        cast(incidents.is_fall_with_harm as boolean) as is_fall_with_harm,
        cast(incidents.has_learning_response as boolean) as has_learning_response,
        cast(coalesce(incidents.days_to_close <= 30, false) as boolean)
            as is_closed_within_30_days,
        cast(incidents.days_to_report <= 2 as boolean) as is_reported_within_2_days,
        cast(
            coalesce(incidents.learning_response_completed <= incidents.learning_response_due, false)
        as boolean) as is_learning_response_on_time,
        cast(coalesce(regrade_counts.regrade_count, 0) as int) as regrade_count,
        cast(incidents.last_modified as timestamp) as last_modified,
        cast(incidents.extract_date as date) as extract_date,
        cast(incidents.loaded_at as timestamp) as loaded_at
    from incidents
    left join regrade_counts
        on incidents.incident_id = regrade_counts.incident_id

)

select * from final
{% if is_incremental() %}
where incident_month in (
    select incident_month from final
    where loaded_at > (select max(loaded_at) from {{ this }})
    union
    select previous.incident_month from {{ this }} as previous
    where previous.incident_id in (
        select incident_id from final
        where loaded_at > (select max(loaded_at) from {{ this }})
    )
)
or incident_month >= (
    select cast({{ dbt.dateadd('month', -1 * var('lookback_months'), 'max(incident_month)') }} as date)
    from {{ this }}
)
{% endif %}
