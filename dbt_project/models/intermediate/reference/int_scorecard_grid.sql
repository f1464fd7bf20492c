-- Every (measure, level, unit, period) the scorecard must hold: each catalogue measure at both
-- levels for every period its frequency defines. Monthly measures use the activity month spine;
-- quarterly and yearly measures use the quarters/years the spine touches plus any survey period
-- delivered (a survey year before the spine still belongs on its yearly chart).
with catalogue as (

    select measure_id, frequency from {{ ref('measure_catalogue') }}

),

spine as (

    select period from {{ ref('int_month_spine') }}

),

periods as (

    select 'month' as frequency, period from spine

    union

    select 'quarter' as frequency, cast({{ dbt.date_trunc('quarter', 'period') }} as date) as period
    from spine

    union

    select 'quarter' as frequency, quarter_start as period
    from {{ ref('stg_survey__pulse_survey') }}
    where is_latest

    union

    select 'year' as frequency, cast({{ dbt.date_trunc('year', 'period') }} as date) as period
    from spine

    union

    select 'year' as frequency, {{ year_start('survey_year') }} as period
    from {{ ref('stg_survey__staff_survey_scores') }}
    where is_latest

),

units as (

    select level, unit_code from {{ ref('int_scorecard_units') }}

)

select
    catalogue.measure_id,
    units.level,
    units.unit_code,
    periods.period
from catalogue
inner join periods
    on catalogue.frequency = periods.frequency
cross join units
