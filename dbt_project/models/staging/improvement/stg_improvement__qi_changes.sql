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
        cast(_extract_date as date) as extract_date,
        cast(_file_name as string) as source_file_name,
        cast(_content_hash as string) as source_content_hash,
        cast(_row_number as bigint) as source_row_number,
        cast(_loaded_at as timestamp) as loaded_at,
        -- a full snapshot each night: what is not in the newest delivery is no longer there
        cast(_extract_date as date) = max(cast(_extract_date as date)) over () as in_newest_snapshot,
        {{ is_latest_delivery(['project_id', 'cycle_no']) }} as is_latest
    from source

)

select * from renamed
