with source as (

    select * from {{ source('improvement', 'qi_spread') }}

),

renamed as (

    select
        cast(project_id as string) as project_id,
        cast(csu_code as string) as csu_code,
        cast(location_code as string) as location_code,
        cast(status as string) as status,
        cast(adopted_date as date) as adopted_date,
        {{ lineage_columns() }},
        {{ in_newest_snapshot() }} as in_newest_snapshot,
        {{ is_latest_delivery(['project_id', 'csu_code', 'location_code']) }} as is_latest
    from source

)

select * from renamed
