with source as (

    select * from {{ source('incident', 'incidents') }}

),

renamed as (

    select
        cast(incident_id as string) as incident_id,
        cast(lfpse_ref as string) as lfpse_ref,
        cast(event_type as string) as event_type,
        cast(is_patient_safety as boolean) as is_patient_safety,
        cast(incident_date as date) as incident_date,
        cast(reported_date as date) as reported_date,
        cast(closed_date as date) as closed_date,
        cast(status as string) as status,
        cast(site_code as string) as site_code,
        cast(location_code as string) as location_code,
        cast(csu_code as string) as csu_code,
        cast(specialty_code as string) as specialty_code,
        cast(category as string) as category,
        cast(subcategory as string) as subcategory,
        cast(physical_harm as string) as physical_harm,
        cast(psychological_harm as string) as psychological_harm,
        cast(is_never_event as boolean) as is_never_event,
        cast(duty_of_candour as boolean) as duty_of_candour,
        cast(learning_response as string) as learning_response,
        cast(learning_response_due as date) as learning_response_due,
        cast(learning_response_completed as date) as learning_response_completed,
        cast(patient_imd_decile as bigint) as patient_imd_decile,
        cast(patient_ethnic_group as string) as patient_ethnic_group,
        cast(last_modified as timestamp) as last_modified,
        {{ lineage_columns() }},
        {{ is_latest_delivery(['incident_id']) }} as is_latest
    from source

)

select * from renamed
