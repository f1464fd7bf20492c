-- Every catalogue measure is computed by a family model (models/intermediate/measures/): a
-- catalogue row without its numerator/denominator SQL leaves the measure all null with
-- null_reason `not_computed`. Failing rows name the measure (kept in
-- dbt_test__audit.assert_every_measure_is_computed). This depends on the code only, never on
-- the night's data, so it can safely stop the build.
{{ config(severity='error', store_failures=true) }}
select measure_id, count(*) as rows_not_computed
from {{ ref('fct_scorecard_monthly') }}
where null_reason = 'not_computed'
group by measure_id
