with source as (

    select * from {{ source('reference', 'workforce') }}

),

renamed as (

    select
        cast(month as string) as workforce_month_text,
        {{ month_start('month') }} as workforce_month,
        cast(csu_code as string) as csu_code,
        cast(staff_group as string) as staff_group,
        cast(headcount as bigint) as headcount,
        cast(fte as decimal(12,2)) as fte,
        cast(_extract_date as date) as extract_date,
        cast(_file_name as string) as source_file_name,
        cast(_content_hash as string) as source_content_hash,
        cast(_row_number as bigint) as source_row_number,
        cast(_loaded_at as timestamp) as loaded_at,
        {{ is_latest_delivery(['month', 'csu_code', 'staff_group']) }} as is_latest
    from source

)

select * from renamed
