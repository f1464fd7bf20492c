-- Monthly headcount and FTE by CSU and staff group (newest delivery).
select
    cast(workforce_month as date) as workforce_month,
    cast(csu_code as string) as csu_code,
    cast(staff_group as string) as staff_group,
    cast(headcount as bigint) as headcount,
    cast(fte as double) as fte,
    cast(extract_date as date) as extract_date
from {{ ref('stg_reference__workforce') }}
where is_latest
