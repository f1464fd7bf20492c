{#- dbt's default safe_cast on DuckDB is a plain cast that raises on bad text; try_cast returns
    null instead, like Spark's cast (docs/portable-sql.md rule 5). -#}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}
