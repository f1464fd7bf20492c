with source as (

    select * from {{ source('reference', 'org_structure') }}

),

renamed as (

    select
        cast(org_code as string) as org_code,
        cast(org_name as string) as org_name,
        cast(site_code as string) as site_code,
        cast(site_name as string) as site_name,
        cast(csu_code as string) as csu_code,
        cast(csu_name as string) as csu_name,
        cast(location_code as string) as location_code,
        cast(location_name as string) as location_name,
        cast(valid_from as date) as valid_from,
        cast(valid_to as date) as valid_to,
        {{ lineage_columns() }},
        {{ is_latest_delivery(['location_code', 'valid_from']) }} as is_latest
    from source

)

select * from renamed
