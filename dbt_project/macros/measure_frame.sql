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
