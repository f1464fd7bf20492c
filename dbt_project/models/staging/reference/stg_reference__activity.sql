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
        {{ lineage_columns() }},
        {{ is_latest_delivery(['month', 'csu_code']) }} as is_latest
    from source

)

select * from renamed
