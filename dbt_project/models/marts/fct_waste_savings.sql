-- Waste-reduction savings: one row per scheme and month (newest delivery), with the scheme's
-- CSU, waste type and recurrence. Actual savings may be negative (a reversal).
with schemes as (

    select * from {{ ref('stg_finance__waste_schemes') }}
    where is_latest

),

savings as (

    select * from {{ ref('stg_finance__waste_savings') }}
    where is_latest

)

select
    cast(savings.scheme_id as string) as scheme_id,
    cast(savings.saving_month as date) as saving_month,
    cast(schemes.scheme_name as string) as scheme_name,
    cast(schemes.csu_code as string) as csu_code,
    cast(schemes.waste_type as string) as waste_type,
    cast(schemes.finance_type as string) as finance_type,
    cast(schemes.recurrence as string) as recurrence,
    cast(schemes.risk_rating as string) as risk_rating,
    cast(schemes.status as string) as scheme_status,
    cast(schemes.start_month as date) as scheme_start_month,
    cast(savings.plan_gbp as decimal(18,2)) as plan_gbp,
    cast(savings.actual_gbp as decimal(18,2)) as actual_gbp,
    cast(savings.forecast_gbp as decimal(18,2)) as forecast_gbp,
    cast(savings.extract_date as date) as extract_date
from savings
left join schemes
    on savings.scheme_id = schemes.scheme_id
