with source as (

    select * from {{ source('improvement', 'qi_changes') }}

),

renamed as (

    select
        cast(project_id as string) as project_id,
        cast(cycle_no as int) as cycle_no,
        cast(change_idea as string) as change_idea,
        cast(pdsa_start as date) as pdsa_start,
        cast(pdsa_end as date) as pdsa_end,
        cast(decision as string) as decision,
        cast(implemented_date as date) as implemented_date,
        {{ lineage_columns() }},
        {{ in_newest_snapshot() }} as in_newest_snapshot,
        {{ is_latest_delivery(['project_id', 'cycle_no']) }} as is_latest
    from source

)

select * from renamed
