-- M11: closed QI projects showing sustained improvement, %. Per month: projects closed in the 12
-- months to the month's end with `sustained_improvement` on at least one outcome measure (scope
-- project) / projects closed in those 12 months with at least one outcome verdict other than
-- `insufficient_data`; by the leading CSU, and the organisation.
-- The verdicts come from the Dagster asset marts.fct_qi_impact, which reads the scorecard before
-- this measure (int_scorecard_values_before_verdicts): M11 enters the scorecard after it, so
-- the graph has no cycle (fct_scorecard_monthly adds this family to int_measure_values_unioned).
-- A dbt build without that asset (dbt alone, before the first night) finds no verdicts yet: no
-- project is judged, every month's denominator is 0.
{%- set impact = source('improvement_verdicts', 'fct_qi_impact') %}
{%- set impact_exists = execute and adapter.get_relation(
        database=impact.database, schema=impact.schema, identifier=impact.identifier) %}
with frame as (

    {{ measure_frame() }}

),

organisation as (

    {{ organisation_unit() }}

),

verdicts as (

    {%- if impact_exists %}
    select project_id, role, scope, verdict from {{ impact }}
    {%- else %}
    select cast(null as string) as project_id, cast(null as string) as role,
        cast(null as string) as scope, cast(null as string) as verdict
    where 1 = 0
    {%- endif %}

),

outcomes as (

    select
        project_id,
        max(case when verdict = 'sustained_improvement' then 1 else 0 end) as is_sustained
    from verdicts
    where scope = 'project' and role = 'outcome' and verdict <> 'insufficient_data'
    group by project_id

),

closed as (

    select
        projects.csu_code,
        cast({{ dbt.date_trunc('month', 'projects.end_date') }} as date) as end_month,
        outcomes.is_sustained
    from {{ ref('dim_qi_project') }} as projects
    inner join outcomes
        on projects.project_id = outcomes.project_id
    where projects.stage = 'closed' and projects.end_date is not null

),

months as (

    select distinct period from frame

),

by_csu as (

    select
        closed.csu_code,
        months.period,
        sum(closed.is_sustained) as sustained,
        count(*) as judged
    from months
    inner join closed
        on closed.end_month <= months.period
        and closed.end_month > {{ dbt.dateadd('month', -12, 'months.period') }}
    group by closed.csu_code, months.period

),

counted_units as (

    {{ with_organisation_rollup('by_csu', ['sustained', 'judged']) }}

),

counted as (

    select 'M11' as measure_id, level, unit_code, period,
        sustained as numerator, judged as denominator
    from counted_units

)

{{ measure_values_select('counted', 'coalesce(counted.numerator, 0)',
    'coalesce(counted.denominator, 0)') }}
