with source as (

    select * from {{ source('training', 'improvement_training') }}

),

renamed as (

    select
        cast(event_id as string) as event_id,
        cast(person_key as string) as person_key,
        cast(csu_code as string) as csu_code,
        cast(staff_group as string) as staff_group,
        cast(programme as string) as programme,
        cast(is_quality_partner as boolean) as is_quality_partner,
        cast(completion_date as date) as completion_date,
        cast(hours as decimal(9,2)) as hours,
        cast(status as string) as status,
        {{ lineage_columns() }},
        {{ is_latest_delivery(['event_id']) }} as is_latest
    from source

)

select * from renamed
