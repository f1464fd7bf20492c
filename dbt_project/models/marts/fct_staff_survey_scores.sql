-- NHS Staff Survey theme scores: one row per survey year, breakdown and theme (newest delivery).
-- The seven People Promise elements sit beside the two scorecard themes (ENGAGEMENT = M02,
-- MORALE = M08), which carry their measure_id.
select
    cast(survey_year as int) as survey_year,
    cast({{ year_start('survey_year') }} as date) as period,
    cast(breakdown_type as string) as breakdown_type,
    cast(breakdown_code as string) as breakdown_code,
    cast(theme_code as string) as theme_code,
    cast(
        case theme_code
            when 'PP1' then 'We are compassionate and inclusive'
            when 'PP2' then 'We are recognised and rewarded'
            when 'PP3' then 'We each have a voice that counts'
            when 'PP4' then 'We are safe and healthy'
            when 'PP5' then 'We are always learning'
            when 'PP6' then 'We work flexibly'
            when 'PP7' then 'We are a team'
            when 'ENGAGEMENT' then 'Staff engagement'
            when 'MORALE' then 'Morale'
        end
    as string) as theme_name,
    cast(
        case theme_code when 'ENGAGEMENT' then 'M02' when 'MORALE' then 'M08' end
    as string) as measure_id,
    cast(score as double) as score,
    cast(responses as bigint) as responses,
    cast(benchmark_best as double) as benchmark_best,
    cast(benchmark_average as double) as benchmark_average,
    cast(benchmark_worst as double) as benchmark_worst,
    cast(extract_date as date) as extract_date
from {{ ref('stg_survey__staff_survey_scores') }}
where is_latest
