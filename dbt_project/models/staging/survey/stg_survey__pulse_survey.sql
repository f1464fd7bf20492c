with source as (

    select * from {{ source('survey', 'pulse_survey') }}

),

renamed as (

    select
        cast(quarter as string) as survey_quarter,
        {{ quarter_start('quarter') }} as quarter_start,
        cast(csu_code as string) as csu_code,
        cast(item as bigint) as item,
        cast(strongly_disagree as bigint) as strongly_disagree,
        cast(disagree as bigint) as disagree,
        cast(neither as bigint) as neither,
        cast(agree as bigint) as agree,
        cast(strongly_agree as bigint) as strongly_agree,
        {{ lineage_columns() }},
        {{ is_latest_delivery(['quarter', 'csu_code', 'item']) }} as is_latest
    from source

)

select * from renamed
