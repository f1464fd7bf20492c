-- The grading history of every incident: one row per delivery in which its physical harm was
-- first graded or changed (a re-emitted row with the same grading is not a new event).
with deliveries as (

    select
        incident_id,
        physical_harm,
        extract_date,
        source_file_name,
        source_row_number,
        last_modified,
        lag(physical_harm) over (
            partition by incident_id
            order by extract_date nulls last, source_row_number nulls last
        ) as previous_physical_harm,
        row_number() over (
            partition by incident_id
            order by extract_date nulls last, source_row_number nulls last
        ) as delivery_number
    from {{ ref('stg_incident__incidents') }}

),

harm_rank as (

    select
        *,
        case physical_harm
            when 'none' then 0 when 'low' then 1 when 'moderate' then 2
            when 'severe' then 3 when 'fatal' then 4
        end as harm_rank,
        case previous_physical_harm
            when 'none' then 0 when 'low' then 1 when 'moderate' then 2
            when 'severe' then 3 when 'fatal' then 4
        end as previous_harm_rank
    from deliveries

)

select
    incident_id,
    delivery_number,
    extract_date as graded_on_extract_date,
    source_file_name,
    last_modified,
    previous_physical_harm,
    physical_harm,
    previous_physical_harm is not null as is_regrade,
    case
        when previous_harm_rank is null then 'initial'
        when harm_rank > previous_harm_rank then 'upgraded'
        else 'downgraded'
    end as regrade_direction
from harm_rank
where previous_physical_harm is null
   or physical_harm <> previous_physical_harm
