-- Friends and Family Test: one row per month, site, ward and setting (newest delivery), with the
-- positive and negative sums the service measures use.
select
    cast(response_month as date) as response_month,
    cast(site_code as string) as site_code,
    cast(ward_code as string) as ward_code,
    cast(csu_code as string) as csu_code,
    cast(setting as string) as setting,
    cast(very_good as bigint) as very_good,
    cast(good as bigint) as good,
    cast(neither as bigint) as neither,
    cast(poor as bigint) as poor,
    cast(very_poor as bigint) as very_poor,
    cast(dont_know as bigint) as dont_know,
    cast(total_responses as bigint) as total_responses,
    cast(total_eligible as bigint) as total_eligible,
    cast(very_good + good as bigint) as positive_responses,
    cast(poor + very_poor as bigint) as negative_responses,
    cast(extract_date as date) as extract_date
from {{ ref('stg_survey__fft_responses') }}
where is_latest
