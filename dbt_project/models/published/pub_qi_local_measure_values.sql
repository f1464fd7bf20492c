{{ config(alias='qi_local_measure_values') }}

-- A project's own (local, `L-`) measures, weekly or monthly, as the impact verdicts judge them:
-- the value only (numerator / denominator when there is one). The measure's name is free text
-- below organisation level and is not published: the code names it.
select project_id, measure_code, direction, frequency, period, value
from {{ ref('int_qi_measure_series') }}
