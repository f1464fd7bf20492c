{#- Provisional periods (README "The scorecard"; seeds/_seeds.yml maturity_days). Portable:
    dates only through dbt's cross-database macros. -#}

{#- The last day of a period given by its first day and frequency (month, quarter, year). -#}
{% macro period_last_day(period, frequency) -%}
    cast({{ dbt.dateadd('day', -1, dbt.dateadd('month',
        'case ' ~ frequency ~ " when 'quarter' then 3 when 'year' then 12 else 1 end",
        period)) }} as date)
{%- endmacro %}

{#- Why a period's value cannot be complete yet, judged against the newest extract date of the
    measure's source (as_of); null once it has matured.
    not_delivered     - the source's newest extract is dated before the period begins (or the
                        source never delivered): the value is the grid's zero or null, not data;
    period_incomplete - the newest extract is dated inside the period;
    maturing          - the period is over but fewer than maturity_days have passed.
    A measure whose catalogue row names no source_extract is never provisional (nothing to judge
    it by). -#}
{% macro provisional_reason(period, last_day, maturity_days, as_of, source) -%}
    case
        when {{ source }} is null then null
        when {{ as_of }} is null or {{ as_of }} < {{ period }} then 'not_delivered'
        when {{ as_of }} < {{ last_day }} then 'period_incomplete'
        when {{ as_of }} < {{ dbt.dateadd('day', maturity_days, last_day) }} then 'maturing'
    end
{%- endmacro %}
