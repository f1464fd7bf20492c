{{ config(alias='scorecard_monthly') }}

-- The published scorecard: every measure, level, unit and period, with the measure's name; the
-- cells the disclosure policy withholds (marts.disclosure_withheld_cells) carry no figures. A
-- provisional period (is_provisional, provisional_reason) is published and marked.
with scorecard as (

    select * from {{ ref('fct_scorecard_monthly') }}

),

measures as (

    select measure_id, measure_name from {{ ref('dim_measure') }}

),

units as (

    select level, unit_code, unit_name from {{ ref('int_scorecard_units') }}

),

flagged as (

    select
        scorecard.*,
        measures.measure_name,
        units.unit_name,
        withheld.measure_id is not null as is_suppressed
    from scorecard
    inner join measures
        on scorecard.measure_id = measures.measure_id
    left join units
        on scorecard.level = units.level
        and scorecard.unit_code = units.unit_code
    {{ join_withheld_cells('scorecard') }}

)

select
    measure_id,
    measure_name,
    domain,
    level,
    unit_code,
    unit_name,
    period,
    frequency,
    unit,
    case when is_suppressed then null else numerator end as numerator,
    case when is_suppressed then null else denominator end as denominator,
    case when is_suppressed then null else value end as value,
    target,
    direction,
    chart_type,
    case when is_suppressed then null else responses end as responses,
    is_suppressed,
    case when is_suppressed then 'suppressed' else null_reason end as null_reason,
    is_provisional,
    provisional_reason,
    matures_on,
    data_as_of
from flagged
