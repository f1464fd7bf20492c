-- Scorecard measures split by a breakdown dimension, at both levels, where the extract has the
-- field: incident measures by patient IMD decile, ethnic group, incident category and site;
-- training and Staff Survey themes by staff group; savings by waste type. Only combinations with
-- data are present (no zero-filling). The warehouse keeps true values; publication suppresses.
{%- set incident_breakdowns = [
    ('imd_decile', "coalesce(cast(patient_imd_decile as string), 'unknown')"),
    ('ethnic_group', "coalesce(patient_ethnic_group, 'unknown')"),
    ('incident_category', 'category'),
    ('site', 'site_code'),
] %}
with
{% for name, expression in incident_breakdowns %}
incidents_by_{{ name }} as (

    {{ incident_measure_counts(expression) }}

),
{% endfor %}

organisation as (

    {{ organisation_unit() }}

),

training_leveled as (

    select 'csu' as level, csu_code as unit_code, period, staff_group, competence_code,
        compliant_count, required_count
    from {{ ref('fct_training_compliance') }}
    union all
    select 'organisation' as level, organisation.org_code as unit_code, training.period,
        training.staff_group, training.competence_code, training.compliant_count,
        training.required_count
    from {{ ref('fct_training_compliance') }} as training
    cross join organisation

),

improvement_leveled as (

    select 'csu' as level, csu_code as unit_code, events.* from {{ ref('fct_improvement_training') }} as events
    union all
    select 'organisation' as level, organisation.org_code as unit_code, events.*
    from {{ ref('fct_improvement_training') }} as events
    cross join organisation

),

headcount_leveled as (

    select 'csu' as level, csu_code as unit_code, workforce_month as period, staff_group, headcount
    from {{ ref('fct_workforce') }}
    union all
    select 'organisation' as level, organisation.org_code as unit_code, workforce.workforce_month,
        workforce.staff_group, workforce.headcount
    from {{ ref('fct_workforce') }} as workforce
    cross join organisation

),

first_completions as (

    select level, unit_code, staff_group, person_key, min(completion_month) as first_month
    from improvement_leveled
    where is_staff_course_completion
    group by level, unit_code, staff_group, person_key

),

savings_leveled as (

    select 'csu' as level, csu_code as unit_code, saving_month as period, waste_type, recurrence,
        plan_gbp, actual_gbp
    from {{ ref('fct_waste_savings') }}
    union all
    select 'organisation' as level, organisation.org_code as unit_code, savings.saving_month,
        savings.waste_type, savings.recurrence, savings.plan_gbp, savings.actual_gbp
    from {{ ref('fct_waste_savings') }} as savings
    cross join organisation

),

breakdown_rows as (

    {% for name, expression in incident_breakdowns %}
    select measure_id, level, unit_code, period, '{{ name }}' as breakdown_type,
        breakdown_value, numerator, denominator_count as denominator,
        cast(null as bigint) as responses, cast(null as double) as target
    from incidents_by_{{ name }}
    where measure_id not in ('Q01', 'Q05')
    union all
    {% endfor %}

    select 'M03' as measure_id, level, unit_code, period, 'staff_group' as breakdown_type,
        staff_group as breakdown_value, sum(compliant_count) as numerator,
        sum(required_count) as denominator, cast(null as bigint) as responses,
        cast(null as double) as target
    from training_leveled
    group by level, unit_code, period, staff_group

    union all
    select 'M04', level, unit_code, period, 'staff_group', staff_group, sum(compliant_count),
        sum(required_count), cast(null as bigint), cast(null as double)
    from training_leveled
    where competence_code = 'CSTF_INFO_GOV'
    group by level, unit_code, period, staff_group

    union all
    select 'M05', level, unit_code, completion_month, 'staff_group', staff_group,
        count(distinct person_key), cast(null as bigint), cast(null as bigint),
        cast(null as double)
    from improvement_leveled
    where is_staff_course_completion
    group by level, unit_code, completion_month, staff_group

    union all
    select 'M06', headcount_leveled.level, headcount_leveled.unit_code, headcount_leveled.period,
        'staff_group', headcount_leveled.staff_group,
        count(distinct first_completions.person_key), max(headcount_leveled.headcount),
        cast(null as bigint), cast(null as double)
    from (
        select level, unit_code, period, staff_group, sum(headcount) as headcount
        from headcount_leveled
        group by level, unit_code, period, staff_group
    ) as headcount_leveled
    left join first_completions
        on headcount_leveled.level = first_completions.level
        and headcount_leveled.unit_code = first_completions.unit_code
        and headcount_leveled.staff_group = first_completions.staff_group
        and first_completions.first_month <= headcount_leveled.period
    group by headcount_leveled.level, headcount_leveled.unit_code, headcount_leveled.period,
        headcount_leveled.staff_group

    union all
    select measure_id, 'organisation', organisation.org_code, period, 'staff_group',
        breakdown_code, score, cast(null as bigint), responses, benchmark_average
    from {{ ref('fct_staff_survey_scores') }}
    cross join organisation
    where measure_id is not null and breakdown_type = 'staff_group'

    union all
    select 'C01', level, unit_code, period, 'waste_type', waste_type, sum(actual_gbp),
        sum(plan_gbp), cast(null as bigint), cast(null as double)
    from savings_leveled
    group by level, unit_code, period, waste_type

    union all
    select 'C02', level, unit_code, period, 'waste_type', waste_type, sum(actual_gbp),
        cast(null as double), cast(null as bigint), sum(plan_gbp)
    from savings_leveled
    group by level, unit_code, period, waste_type

    union all
    select 'C03', level, unit_code, period, 'waste_type', waste_type,
        sum(case when recurrence = 'recurrent' then actual_gbp else 0 end), sum(actual_gbp),
        cast(null as bigint), cast(null as double)
    from savings_leveled
    group by level, unit_code, period, waste_type

),

catalogue as (

    select * from {{ ref('dim_measure') }}

),

valued as (

    select
        breakdown_rows.*,
        catalogue.multiplier,
        catalogue.default_target,
        {{ measure_value('breakdown_rows.numerator', 'breakdown_rows.denominator', 'catalogue.multiplier') }}
            as computed_value
    from breakdown_rows
    inner join catalogue
        on breakdown_rows.measure_id = catalogue.measure_id

)

select
    cast(measure_id as string) as measure_id,
    cast(level as string) as level,
    cast(unit_code as string) as unit_code,
    cast(period as date) as period,
    cast(breakdown_type as string) as breakdown_type,
    cast(breakdown_value as string) as breakdown_value,
    cast(numerator as double) as numerator,
    cast(denominator as double) as denominator,
    cast(computed_value as double) as value,
    cast(coalesce(target, default_target) as double) as target,
    cast(responses as bigint) as responses,
    cast({{ measure_null_reason('computed_value', 'denominator') }} as string) as null_reason
from valued
