with source as (

    select * from {{ source('improvement', 'qi_project_measures') }}

),

renamed as (

    select
        cast(project_id as string) as project_id,
        cast(measure_id as string) as measure_id,
        cast(role as string) as role,
        cast(level as string) as level,
        cast(unit_code as string) as unit_code,
        cast(target as double) as target,
        cast(_extract_date as date) as extract_date,
        cast(_file_name as string) as source_file_name,
        cast(_content_hash as string) as source_content_hash,
        cast(_row_number as bigint) as source_row_number,
        cast(_loaded_at as timestamp) as loaded_at,
        -- a full snapshot each night: what is not in the newest delivery is no longer there
        cast(_extract_date as date) = max(cast(_extract_date as date)) over () as in_newest_snapshot,
        {{ is_latest_delivery(['project_id', 'measure_id', 'level', 'unit_code']) }} as is_latest
    from source

)

select * from renamed
