with source as (

    select * from {{ source('training', 'mandatory_training') }}

),

renamed as (

    select
        cast(snapshot_date as date) as snapshot_date,
        cast(person_key as string) as person_key,
        cast(csu_code as string) as csu_code,
        cast(staff_group as string) as staff_group,
        cast(competence_code as string) as competence_code,
        cast(competence_name as string) as competence_name,
        cast(required as boolean) as required,
        cast(status as string) as status,
        cast(achieved_date as date) as achieved_date,
        cast(expiry_date as date) as expiry_date,
        cast(_extract_date as date) as extract_date,
        cast(_file_name as string) as source_file_name,
        cast(_content_hash as string) as source_content_hash,
        cast(_row_number as bigint) as source_row_number,
        cast(_loaded_at as timestamp) as loaded_at,
        {{ is_latest_delivery(['snapshot_date', 'person_key', 'competence_code']) }} as is_latest
    from source

)

select * from renamed
