{{ config(alias='scorecard_latest') }}
-- depends_on: {{ ref('dim_measure') }}

-- One wide row per unit (each CSU and the organisation): for every catalogue measure its latest
-- value, the period of that value and the change from the previous period with a value. Values
-- withheld in the published scorecard are withheld here too. The columns follow the catalogue
-- (read when the model runs), so a new catalogue row is a new set of columns. <id>_is_stale says
-- the measure's latest period is overdue (marts.fct_scorecard_latest), <id>_age_days by how much.
{%- set measure_ids = [] %}
{%- if execute %}
    {%- set result = run_query('select measure_id from ' ~ ref('dim_measure') ~ ' order by measure_id') %}
    {%- set measure_ids = result.columns[0].values() %}
{%- endif %}
with latest as (

    select * from {{ ref('fct_scorecard_latest') }}

),

published as (

    select measure_id, level, unit_code, period, value, is_suppressed
    from {{ ref('pub_scorecard_monthly') }}

),

joined as (

    select
        latest.measure_id,
        latest.level,
        latest.unit_code,
        latest.latest_period,
        latest.is_stale,
        latest.age_days,
        current_value.value as latest_value,
        case
            when current_value.is_suppressed or previous_value.is_suppressed then null
            else latest.change_from_previous
        end as change_from_previous
    from latest
    inner join published as current_value
        on latest.measure_id = current_value.measure_id
        and latest.level = current_value.level
        and latest.unit_code = current_value.unit_code
        and latest.latest_period = current_value.period
    left join published as previous_value
        on latest.measure_id = previous_value.measure_id
        and latest.level = previous_value.level
        and latest.unit_code = previous_value.unit_code
        and latest.previous_period = previous_value.period

),

units as (

    select level, unit_code, unit_name from {{ ref('int_scorecard_units') }}

)

select
    units.level,
    units.unit_code,
    units.unit_name
    {%- for measure_id in measure_ids %}
    {%- set prefix = measure_id | lower %}
    , max(case when joined.measure_id = '{{ measure_id }}' then joined.latest_value end) as {{ prefix }}_value
    , max(case when joined.measure_id = '{{ measure_id }}' then joined.latest_period end) as {{ prefix }}_period
    , max(case when joined.measure_id = '{{ measure_id }}' then joined.change_from_previous end) as {{ prefix }}_change
    , bool_or(case when joined.measure_id = '{{ measure_id }}' then joined.is_stale end) as {{ prefix }}_is_stale
    , max(case when joined.measure_id = '{{ measure_id }}' then joined.age_days end) as {{ prefix }}_age_days
    {%- endfor %}
from units
left join joined
    on units.level = joined.level
    and units.unit_code = joined.unit_code
group by units.level, units.unit_code, units.unit_name
