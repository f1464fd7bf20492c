{{ config(alias='staff_survey_themes') }}

-- The NHS Staff Survey themes (the seven People Promise elements beside engagement and morale),
-- by organisation, CSU and staff group. A breakdown below the organisation resting on fewer than
-- 11 responses is withheld.
with scores as (

    select
        *,
        breakdown_type <> 'organisation' and coalesce(responses, 0) < 11 as is_suppressed
    from {{ ref('fct_staff_survey_scores') }}

)

select
    survey_year,
    period,
    breakdown_type,
    breakdown_code,
    theme_code,
    theme_name,
    measure_id,
    case when is_suppressed then null else score end as score,
    case when is_suppressed then null else responses end as responses,
    benchmark_best,
    benchmark_average,
    benchmark_worst,
    is_suppressed,
    cast(case when is_suppressed then 'suppressed' end as string) as null_reason
from scores
