with source as (

    select * from {{ source('finance', 'waste_schemes') }}

),

renamed as (

    select
        cast(scheme_id as string) as scheme_id,
        cast(scheme_name as string) as scheme_name,
        cast(csu_code as string) as csu_code,
        cast(waste_type as string) as waste_type,
        cast(finance_type as string) as finance_type,
        cast(recurrence as string) as recurrence,
        cast(risk_rating as string) as risk_rating,
        cast(status as string) as status,
        cast(start_month as string) as start_month_text,
        {{ month_start('start_month') }} as start_month,
        {{ lineage_columns() }},
        {{ is_latest_delivery(['scheme_id']) }} as is_latest
    from source

)

select * from renamed
