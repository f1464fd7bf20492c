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
        {{ lineage_columns() }},
        {{ is_latest_delivery(['month', 'csu_code', 'staff_group']) }} as is_latest
    from source

)

select * from renamed
