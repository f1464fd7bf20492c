with source as (

    select * from {{ source('improvement', 'qi_measure_values') }}

),

renamed as (

    select
        cast(project_id as string) as project_id,
        cast(measure_code as string) as measure_code,
        cast(measure_name as string) as measure_name,
        cast(direction as string) as direction,
        cast(frequency as string) as frequency,
        cast(period as date) as period,
        cast(numerator as double) as numerator,
        cast(denominator as double) as denominator,
        {{ lineage_columns() }},
        {{ is_latest_delivery(['project_id', 'measure_code', 'period']) }} as is_latest
    from source

)

select * from renamed
