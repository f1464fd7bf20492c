-- The grading history of every incident: its first grading and every later change of physical
-- harm, one row per delivery that changed it.
select
    cast(regradings.incident_id as string) as incident_id,
    cast(regradings.delivery_number as int) as delivery_number,
    cast(regradings.graded_on_extract_date as date) as graded_on_extract_date,
    cast(regradings.source_file_name as string) as source_file_name,
    cast(regradings.last_modified as timestamp) as last_modified,
    cast(regradings.previous_physical_harm as string) as previous_physical_harm,
    cast(regradings.physical_harm as string) as physical_harm,
    cast(regradings.is_regrade as boolean) as is_regrade,
    cast(regradings.regrade_direction as string) as regrade_direction
from {{ ref('int_incident_regradings_listed') }} as regradings
