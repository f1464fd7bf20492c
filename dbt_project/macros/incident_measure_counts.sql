{#- The counting rules of the incident measures, written once and used both by the scorecard
    (breakdown_column none) and by the breakdowns mart (e.g. 'patient_imd_decile').

    Returns a select of (measure_id, level, unit_code, period, breakdown_value, numerator,
    denominator_count) at both levels, only where incidents exist. denominator_count is the
    measure's own incident denominator (the branch's in_denominator), given where the catalogue's
    denominator_kind is `counted`; null for pure counts (`none`) and per-bed-day rates
    (`bed_days`, whose denominator comes from activity). A new incident measure is one more
    branch here and its catalogue row. -#}
{% macro incident_measure_counts(breakdown_column=none) %}
    with {{ incident_measure_rows(breakdown_column) }},

    organisation as (

        select unit_code as org_code
        from {{ ref('int_scorecard_units') }}
        where level = 'organisation'

    ),

    summed as (

        select
            measure_id,
            'csu' as level,
            csu_code as unit_code,
            period,
            breakdown_value,
            sum(in_numerator) as numerator,
            sum(in_denominator) as in_denominator
        from counted
        group by measure_id, csu_code, period, breakdown_value

        union all

        select
            counted.measure_id,
            'organisation' as level,
            organisation.org_code as unit_code,
            counted.period,
            counted.breakdown_value,
            sum(counted.in_numerator) as numerator,
            sum(counted.in_denominator) as in_denominator
        from counted
        cross join organisation
        group by counted.measure_id, organisation.org_code, counted.period, counted.breakdown_value

    ),

    catalogue as (

        select measure_id, denominator_kind from {{ ref('measure_catalogue') }}

    )

    select
        summed.measure_id,
        summed.level,
        summed.unit_code,
        summed.period,
        summed.breakdown_value,
        summed.numerator,
        case when catalogue.denominator_kind = 'counted' then summed.in_denominator end
            as denominator_count
    from summed
    left join catalogue
        on summed.measure_id = catalogue.measure_id
{% endmacro %}

{#- The incidents each incident measure counts, one row per incident and measure (the counting
    rules, one branch a measure), as two CTE definitions for a `with`: `incidents` and `counted`
    (measure_id, period, csu_code, breakdown_value, in_numerator, in_denominator, event_date,
    incident_id). event_date is the date that places the incident in its period (the incident,
    reported or due date). Used by incident_measure_counts and by fct_rare_event_intervals (the
    days between the events of a rare-event measure). -#}
{% macro incident_measure_rows(breakdown_column=none) %}
    {%- set breakdown = breakdown_column if breakdown_column else "'all'" -%}
    incidents as (

        select
            *,
            cast({{ breakdown }} as string) as breakdown_value
        from {{ ref('fct_incidents') }}

    ),

    counted as (

        -- Q01: patient-safety incidents by incident month (per 1,000 bed days later)
        select 'Q01' as measure_id, incident_month as period, csu_code, breakdown_value,
            1 as in_numerator, 0 as in_denominator, incident_date as event_date, incident_id
        from incidents where is_patient_safety_incident

        union all
        -- Q02: moderate or worse physical harm / patient-safety incidents
        select 'Q02', incident_month, csu_code, breakdown_value,
            case when is_moderate_or_worse_harm then 1 else 0 end, 1, incident_date, incident_id
        from incidents where is_patient_safety_incident

        union all
        -- Q03: severe harm or death
        select 'Q03', incident_month, csu_code, breakdown_value, 1, 0, incident_date, incident_id
        from incidents where is_patient_safety_incident and is_severe_or_fatal_harm

        union all
        -- Q04: never events
        select 'Q04', incident_month, csu_code, breakdown_value, 1, 0, incident_date, incident_id
        from incidents where is_counted_incident and is_never_event

        union all
        -- Q05: falls with harm (per 1,000 bed days later)
        select 'Q05', incident_month, csu_code, breakdown_value, 1, 0, incident_date, incident_id
        from incidents where is_patient_safety_incident and is_fall_with_harm

        union all
        -- Q06: closed within 30 days / reported in month
        select 'Q06', reported_month, csu_code, breakdown_value,
            case when is_closed_within_30_days then 1 else 0 end, 1, reported_date, incident_id
        from incidents where is_counted_incident

        union all
        -- Q07: learning responses completed by due date / due in month
        select 'Q07', learning_response_due_month, csu_code, breakdown_value,
            case when is_learning_response_on_time then 1 else 0 end, 1, learning_response_due,
            incident_id
        from incidents where has_learning_response

        union all
        -- D01: reported within 2 days of occurring / reported in month
        select 'D01', reported_month, csu_code, breakdown_value,
            case when is_reported_within_2_days then 1 else 0 end, 1, reported_date, incident_id
        from incidents where is_counted_incident

    )
{% endmacro %}
