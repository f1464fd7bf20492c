{{ config(materialized='table') }}

-- Every cell the published tables carry a figure for, once: a measure (or Staff Survey theme),
-- a unit, a period and, for a breakdown, the breakdown value ('' for the unit's own total).
-- The same figure published twice has one key (M02 at a CSU is the scorecard's row and the
-- staff-survey ENGAGEMENT row), so it is withheld in both or neither.
--   size        what "next smallest" ranks by when a secondary cell is chosen (the count, or the
--               responses for a survey figure);
--   is_primary  the small-number rule withholds it (below the organisation-wide total only);
--   in_series   it is a point of an SPC chart (its value enters the chart's centre line).
with measures as (

    select measure_id, suppression, chart_type from {{ ref('dim_measure') }}

),

organisation as (

    select unit_code as org_code from {{ ref('int_scorecard_units') }}
    where level = 'organisation'

),

scorecard as (

    select
        scorecard.measure_id,
        scorecard.level,
        scorecard.unit_code,
        scorecard.period,
        '' as breakdown_type,
        '' as breakdown_value,
        cast(case when measures.suppression = 'survey' then scorecard.responses
                  else scorecard.numerator end as double) as size,
        scorecard.level <> 'organisation'
            and {{ is_suppressed('measures.suppression', 'scorecard.numerator',
                                 'scorecard.denominator', 'scorecard.responses',
                                 'scorecard.value') }} as is_primary,
        measures.chart_type <> 'none' and scorecard.value is not null as in_series
    from {{ ref('fct_scorecard_monthly') }} as scorecard
    inner join measures
        on scorecard.measure_id = measures.measure_id

),

breakdowns as (

    -- every breakdown row is below the organisation-wide total, so the rule applies to all
    select
        breakdowns.measure_id,
        breakdowns.level,
        breakdowns.unit_code,
        breakdowns.period,
        breakdowns.breakdown_type,
        breakdowns.breakdown_value,
        cast(case when measures.suppression = 'survey' then breakdowns.responses
                  else breakdowns.numerator end as double) as size,
        {{ is_suppressed('measures.suppression', 'breakdowns.numerator',
                         'breakdowns.denominator', 'breakdowns.responses',
                         'breakdowns.value') }} as is_primary,
        false as in_series
    from {{ ref('fct_scorecard_breakdowns') }} as breakdowns
    inner join measures
        on breakdowns.measure_id = measures.measure_id

),

survey_themes as (

    select
        cell_measure_id as measure_id,
        cell_level as level,
        cell_unit_code as unit_code,
        period,
        cell_breakdown_type as breakdown_type,
        cell_breakdown_value as breakdown_value,
        cast(responses as double) as size,
        breakdown_type <> 'organisation'
            and {{ is_suppressed("'survey'", 'null', 'null', 'responses', 'score') }}
            as is_primary,
        false as in_series
    from (
        select themes.*, {{ staff_survey_cell_key('themes', 'organisation.org_code') }}
        from {{ ref('fct_staff_survey_scores') }} as themes
        cross join organisation
    ) as keyed

),

unioned as (

    select * from scorecard
    union all
    select * from breakdowns
    union all
    select * from survey_themes

),

cells as (

    select
        measure_id, level, unit_code, period, breakdown_type, breakdown_value,
        min(size) as size,
        bool_or(is_primary) as is_primary,
        bool_or(in_series) as in_series
    from unioned
    where measure_id is not null and level is not null and unit_code is not null
        and period is not null and breakdown_value is not null
    group by measure_id, level, unit_code, period, breakdown_type, breakdown_value

)

select
    cast(row_number() over (
        order by measure_id, level, unit_code, period, breakdown_type, breakdown_value
    ) as bigint) as cell_id,
    cast(measure_id as string) as measure_id,
    cast(level as string) as level,
    cast(unit_code as string) as unit_code,
    cast(period as date) as period,
    cast(breakdown_type as string) as breakdown_type,
    cast(breakdown_value as string) as breakdown_value,
    size,
    is_primary,
    in_series
from cells
