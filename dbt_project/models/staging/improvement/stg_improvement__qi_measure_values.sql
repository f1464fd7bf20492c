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
        cast(_extract_date as date) as extract_date,
        cast(_file_name as string) as source_file_name,
        cast(_content_hash as string) as source_content_hash,
        cast(_row_number as bigint) as source_row_number,
        cast(_loaded_at as timestamp) as loaded_at,
        {{ is_latest_delivery(['project_id', 'measure_code', 'period']) }} as is_latest
    from source

)

select * from renamed
