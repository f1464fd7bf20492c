-- Improvement-method training: one row per course or coaching event (newest delivery), with the
-- flags the improvement measures count.
select
    cast(event_id as string) as event_id,
    cast(person_key as string) as person_key,
    cast(csu_code as string) as csu_code,
    cast(staff_group as string) as staff_group,
    cast(programme as string) as programme,
    cast(is_quality_partner as boolean) as is_quality_partner,
    cast(completion_date as date) as completion_date,
    cast({{ month_of('completion_date') }} as date) as completion_month,
    cast(hours as decimal(9,2)) as hours,
    cast(status as string) as status,
    cast(status in ('completed', 'attended') as boolean) as is_delivered,
    cast(programme <> 'COACHING_SESSION' as boolean) as is_course,
    cast(
        status = 'completed' and programme <> 'COACHING_SESSION' and not is_quality_partner
    as boolean) as is_staff_course_completion,
    cast(extract_date as date) as extract_date
from {{ ref('stg_training__improvement_training') }}
where is_latest
