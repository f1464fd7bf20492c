with source as (

    select * from {{ source('survey', 'staff_survey_scores') }}

),

renamed as (

    select
        cast(survey_year as bigint) as survey_year,
        cast(breakdown_type as string) as breakdown_type,
        cast(breakdown_code as string) as breakdown_code,
        cast(theme_code as string) as theme_code,
        cast(score as double) as score,
        cast(responses as bigint) as responses,
        cast(benchmark_best as double) as benchmark_best,
        cast(benchmark_average as double) as benchmark_average,
        cast(benchmark_worst as double) as benchmark_worst,
        {{ lineage_columns() }},
        {{ is_latest_delivery(['survey_year', 'breakdown_type', 'breakdown_code', 'theme_code']) }} as is_latest
    from source

)

select * from renamed
