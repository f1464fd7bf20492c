{{ config(alias='staff_survey_themes') }}

-- The NHS Staff Survey themes (the seven People Promise elements beside engagement and morale),
-- by organisation, CSU and staff group. The cells the disclosure policy withholds
-- (marts.disclosure_withheld_cells: a breakdown below the organisation resting on fewer than 11
-- responses, and what protects it) carry no figures.
with organisation as (

    select unit_code as org_code from {{ ref('int_scorecard_units') }}
    where level = 'organisation'

),

themes as (

    select
        scores.*,
        {{ staff_survey_cell_key('scores', 'organisation.org_code') }}
    from {{ ref('fct_staff_survey_scores') }} as scores
    cross join organisation

),

scores as (

    select
        themes.*,
        withheld.measure_id is not null as is_suppressed
    from themes
    {{ join_withheld_cells('themes', 'themes.cell_breakdown_type',
                           'themes.cell_breakdown_value', 'themes.cell_measure_id',
                           'themes.cell_level', 'themes.cell_unit_code') }}
    -- the only value of a breakdown of the trust's figure, withheld, is left out altogether
    where coalesce(withheld.rule, '') <> 'unpublished'

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
