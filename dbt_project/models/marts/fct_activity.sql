-- Monthly activity by CSU (newest delivery): the denominators for rates.
select
    cast(activity_month as date) as activity_month,
    cast(csu_code as string) as csu_code,
    cast(occupied_bed_days as bigint) as occupied_bed_days,
    cast(admissions as bigint) as admissions,
    cast(discharges as bigint) as discharges,
    cast(ae_attendances as bigint) as ae_attendances,
    cast(ae_within_4h as bigint) as ae_within_4h,
    cast(extract_date as date) as extract_date
from {{ ref('stg_reference__activity') }}
where is_latest
