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
        cast(_extract_date as date) as extract_date,
        cast(_file_name as string) as source_file_name,
        cast(_content_hash as string) as source_content_hash,
        cast(_row_number as bigint) as source_row_number,
        cast(_loaded_at as timestamp) as loaded_at,
        {{ is_latest_delivery(['event_id']) }} as is_latest
    from source

)

select * from renamed
