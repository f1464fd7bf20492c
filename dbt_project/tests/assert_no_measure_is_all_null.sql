-- A measure whose values are all null is listed by name, with the family model that computes it
-- and why its values are null (kept in dbt_test__audit.assert_no_measure_is_all_null): a ratio
-- whose denominator is never counted (`zero_denominator`), a catalogue row without its SQL
-- (`not_computed`, which assert_every_measure_is_computed also fails on), or data the trust does
-- not send (no maternity or outpatient FFT responses, a survey not yet delivered). The data
-- cases are real, so this warns rather than stopping the night; a new measure should not leave
-- it warning.
{{ config(severity='warn', store_failures=true,
          meta={'dagster': {'ref': {'name': 'fct_scorecard_monthly'}}}) }}
with scorecard as (

    select measure_id, value, null_reason from {{ ref('fct_scorecard_monthly') }}

),

families as (

    select distinct measure_id, source_model from {{ ref('int_measure_values_unioned') }}

)

select
    scorecard.measure_id,
    coalesce(min(families.source_model), 'no family model') as computed_by,
    min(scorecard.null_reason) as first_null_reason,
    max(scorecard.null_reason) as last_null_reason
from scorecard
left join families
    on scorecard.measure_id = families.measure_id
group by scorecard.measure_id
having count(scorecard.value) = 0
