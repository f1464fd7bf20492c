{#- One row per item of a delimited list, as a select-list expression:

        select event_id, {{ split_to_rows('projects_presented', ';') }} as project_id from events

    A list matched with `like` instead ('%;' || id || ';%') is a join no engine can hash: Spark
    plans it as a nested loop over every pair (fct_improvement_event_projects nationally: 57 s,
    4 s split). Split into rows, the list joins on equality. A null list gives no rows on both
    engines. The delimiter is literal text: Spark's `split` takes a regular expression, so it is
    quoted there (\Q...\E; a backslash before a letter would make `d` a digit class). -#}
{% macro split_to_rows(column, delimiter) -%}
    {{- adapter.dispatch('split_to_rows')(column, delimiter) -}}
{%- endmacro %}

{% macro default__split_to_rows(column, delimiter) -%}
    unnest(string_split({{ column }}, '{{ delimiter }}'))
{%- endmacro %}

{% macro spark__split_to_rows(column, delimiter) -%}
    explode(split({{ column }}, '\\Q{{ delimiter }}\\E'))
{%- endmacro %}
