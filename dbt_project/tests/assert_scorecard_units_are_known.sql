{{ config(meta={'dagster': {'ref': {'name': 'fct_scorecard_monthly'}}}) }}
-- Scorecard units are the organisation (its ODS code) or a CSU of dim_csu.
select scorecard.measure_id, scorecard.level, scorecard.unit_code, scorecard.period
from {{ ref('fct_scorecard_monthly') }} as scorecard
left join {{ ref('dim_csu') }} as csus
    on scorecard.unit_code = csus.csu_code
where (scorecard.level = 'csu' and csus.csu_code is null)
   or (scorecard.level = 'organisation'
       and scorecard.unit_code not in (select org_code from {{ ref('dim_csu') }}))
