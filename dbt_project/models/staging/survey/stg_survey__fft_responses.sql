with source as (

    select * from {{ source('survey', 'fft_responses') }}

),

renamed as (

    select
        cast(period as string) as response_month_text,
        {{ month_start('period') }} as response_month,
        cast(site_code as string) as site_code,
        cast(ward_code as string) as ward_code,
        cast(csu_code as string) as csu_code,
        cast(setting as string) as setting,
        cast(very_good as bigint) as very_good,
        cast(good as bigint) as good,
        cast(neither as bigint) as neither,
        cast(poor as bigint) as poor,
        cast(very_poor as bigint) as very_poor,
        cast(dont_know as bigint) as dont_know,
        cast(total_responses as bigint) as total_responses,
        cast(total_eligible as bigint) as total_eligible,
        {{ lineage_columns() }},
        {{ is_latest_delivery(['period', 'site_code', 'ward_code', 'setting']) }} as is_latest
    from source

)

select * from renamed
