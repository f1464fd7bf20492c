{{ config(meta={'dagster': {'ref': {'name': 'fct_scorecard_monthly'}}}) }}
-- Scorecard units are the organisation (its ODS code) or a CSU of dim_csu. Both lookups are
-- equality joins: a `not in (subquery)` under an `or` is a nested-loop join on Spark (every
-- scorecard row against every CSU: 281 s nationally, against under a second on DuckDB).
select scorecard.measure_id, scorecard.level, scorecard.unit_code, scorecard.period
from {{ ref('fct_scorecard_monthly') }} as scorecard
left join {{ ref('dim_csu') }} as csus
    on scorecard.unit_code = csus.csu_code
left join (select distinct org_code from {{ ref('dim_csu') }}) as organisations
    on scorecard.unit_code = organisations.org_code
where (scorecard.level = 'csu' and csus.csu_code is null)
   or (scorecard.level = 'organisation' and organisations.org_code is null)
