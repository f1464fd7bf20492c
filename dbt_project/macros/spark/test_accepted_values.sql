{#- dbt's accepted_values test on Spark. dbt quotes every value ('True'), which DuckDB casts to a
    boolean column's type, while Spark refuses to compare a BOOLEAN with a STRING. A list of
    boolean values (fct_incidents.is_assigned_by_location: [true]) is compared as booleans here;
    every other list is dbt's own SQL. The test's name and verdict are unchanged on both engines. -#}
{% macro spark__test_accepted_values(model, column_name, values, quote=True) %}
    {%- set booleans = values | map('string') | map('lower') | list -%}
    {%- if quote and booleans and booleans | reject('in', ['true', 'false']) | list | length == 0 -%}
        {{ return(default__test_accepted_values(model, column_name, booleans, quote=False)) }}
    {%- endif -%}
    {{ return(default__test_accepted_values(model, column_name, values, quote=quote)) }}
{% endmacro %}
