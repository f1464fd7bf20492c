with source as (

    select * from {{ source('improvement', 'qi_spread') }}

),

renamed as (

    select
        cast(project_id as string) as project_id,
        cast(csu_code as string) as csu_code,
        cast(location_code as string) as location_code,
        cast(status as string) as status,
        cast(adopted_date as date) as adopted_date,
        cast(_extract_date as date) as extract_date,
        cast(_file_name as string) as source_file_name,
        cast(_content_hash as string) as source_content_hash,
        cast(_row_number as bigint) as source_row_number,
        cast(_loaded_at as timestamp) as loaded_at,
        -- a full snapshot each night: what is not in the newest delivery is no longer there
        cast(_extract_date as date) = max(cast(_extract_date as date)) over () as in_newest_snapshot,
        {{ is_latest_delivery(['project_id', 'csu_code', 'location_code']) }} as is_latest
    from source

)

select * from renamed
