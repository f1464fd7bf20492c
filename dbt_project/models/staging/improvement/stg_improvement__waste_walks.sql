with source as (

    select * from {{ source('improvement', 'waste_walks') }}

),

renamed as (

    select
        cast(walk_id as string) as walk_id,
        cast(walk_date as date) as walk_date,
        cast(csu_code as string) as csu_code,
        cast(location_code as string) as location_code,
        cast(waste_type as string) as waste_type,
        cast(observations as int) as observations,
        cast(actions_raised as int) as actions_raised,
        cast(actions_completed as int) as actions_completed,
        {{ lineage_columns() }},
        {{ is_latest_delivery(['walk_id', 'waste_type']) }} as is_latest
    from source

)

select * from renamed
