with source as (

    select * from {{ source('improvement', 'improvement_events') }}

),

renamed as (

    select
        cast(event_id as string) as event_id,
        cast(event_date as date) as event_date,
        cast(event_type as string) as event_type,
        cast(attendees as int) as attendees,
        cast(executive_present as boolean) as executive_present,
        cast(projects_presented as string) as projects_presented,
        cast(partner_organisations as int) as partner_organisations,
        cast(_extract_date as date) as extract_date,
        cast(_file_name as string) as source_file_name,
        cast(_content_hash as string) as source_content_hash,
        cast(_row_number as bigint) as source_row_number,
        cast(_loaded_at as timestamp) as loaded_at,
        {{ is_latest_delivery(['event_id']) }} as is_latest
    from source

)

select * from renamed
