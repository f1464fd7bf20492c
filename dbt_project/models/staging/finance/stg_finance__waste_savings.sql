with source as (

    select * from {{ source('finance', 'waste_savings') }}

),

renamed as (

    select
        cast(scheme_id as string) as scheme_id,
        cast(month as string) as saving_month_text,
        {{ month_start('month') }} as saving_month,
        cast(plan_gbp as decimal(18,2)) as plan_gbp,
        cast(actual_gbp as decimal(18,2)) as actual_gbp,
        cast(forecast_gbp as decimal(18,2)) as forecast_gbp,
        {{ lineage_columns() }},
        {{ is_latest_delivery(['scheme_id', 'month']) }} as is_latest
    from source

)

select * from renamed
