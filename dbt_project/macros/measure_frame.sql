{#- The rows a family model must fill for its measures: every (measure_id, level, unit_code,
    period) of int_scorecard_grid for the given measure ids. -#}
{% macro measure_frame(measure_ids) -%}
    select measure_id, level, unit_code, period
    from {{ ref('int_scorecard_grid') }}
    where measure_id in ('{{ measure_ids | join("', '") }}')
{%- endmacro %}

{#- The organisation's unit code, as a one-row select. -#}
{% macro organisation_unit() -%}
    select unit_code as org_code
    from {{ ref('int_scorecard_units') }}
    where level = 'organisation'
{%- endmacro %}

{#- A family model's per-CSU sums, plus the organisation's: the same columns summed over every
    CSU. Needs CTEs `<by_csu>` (csu_code, period, columns...) and `organisation`. -#}
{% macro with_organisation_rollup(by_csu, columns) -%}
    select 'csu' as level, csu_code as unit_code, period, {{ columns | join(', ') }}
    from {{ by_csu }}

    union all

    select 'organisation' as level, organisation.org_code as unit_code, {{ by_csu }}.period,
        {%- for column in columns %}
        sum({{ by_csu }}.{{ column }}) as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ by_csu }}
    cross join organisation
    group by organisation.org_code, {{ by_csu }}.period
{%- endmacro %}
