with source as (

    select * from {{ source('improvement', 'qi_projects') }}

),

renamed as (

    select
        cast(project_id as string) as project_id,
        cast(title as string) as title,
        cast(csu_code as string) as csu_code,
        cast(location_code as string) as location_code,
        cast(programme as string) as programme,
        cast(strategy_goal as string) as strategy_goal,
        cast(stage as string) as stage,
        cast(progress_score as decimal(3,1)) as progress_score,
        cast(lead_staff_group as string) as lead_staff_group,
        cast(quality_partner_involved as boolean) as quality_partner_involved,
        cast(patients_involved as boolean) as patients_involved,
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date,
        cast(presented_at as string) as presented_at,
        cast(waste_type as string) as waste_type,
        cast(scheme_id as string) as scheme_id,
        {{ lineage_columns() }},
        {{ in_newest_snapshot() }} as in_newest_snapshot,
        {{ is_latest_delivery(['project_id']) }} as is_latest
    from source

)

select * from renamed
