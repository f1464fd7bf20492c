with source as (

    select * from {{ source('reference', 'activity') }}

),

renamed as (

    select
        cast(month as string) as activity_month_text,
        {{ month_start('month') }} as activity_month,
        cast(csu_code as string) as csu_code,
        cast(occupied_bed_days as bigint) as occupied_bed_days,
        cast(admissions as bigint) as admissions,
        cast(discharges as bigint) as discharges,
        cast(ae_attendances as bigint) as ae_attendances,
        cast(ae_within_4h as bigint) as ae_within_4h,
        cast(_extract_date as date) as extract_date,
        cast(_file_name as string) as source_file_name,
        cast(_content_hash as string) as source_content_hash,
        cast(_row_number as bigint) as source_row_number,
        cast(_loaded_at as timestamp) as loaded_at,
        {{ is_latest_delivery(['month', 'csu_code']) }} as is_latest
    from source

)

select * from renamed
