with source as (

    select * from {{ source('improvement', 'qi_project_measures') }}

),

renamed as (

    select
        cast(project_id as string) as project_id,
        cast(measure_id as string) as measure_id,
        cast(role as string) as role,
        cast(level as string) as level,
        cast(unit_code as string) as unit_code,
        cast(target as double) as target,
        {{ lineage_columns() }},
        {{ in_newest_snapshot() }} as in_newest_snapshot,
        {{ is_latest_delivery(['project_id', 'measure_id', 'level', 'unit_code']) }} as is_latest
    from source

)

select * from renamed
