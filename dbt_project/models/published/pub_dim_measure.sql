{{ config(alias='dim_measure') }}

-- The measure catalogue as BI tools see it.
select
    measure_id,
    measure_name,
    domain,
    unit,
    multiplier,
    direction,
    default_target,
    chart_type,
    frequency,
    breakdowns,
    suppression,
    description
from {{ ref('dim_measure') }}
