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
        {{ lineage_columns() }},
        {{ is_latest_delivery(['event_id']) }} as is_latest
    from source

)

select * from renamed
