{#- Portable period parsing (docs/portable-sql.md rule 1): no strftime, no ::, no intervals. -#}

{#- 'YYYY-MM' text -> the first day of that month, as a date. -#}
{% macro month_start(month_text) -%}
    cast({{ month_text }} || '-01' as date)
{%- endmacro %}

{#- 'YYYY-Qn' text -> the first day of the quarter's first month, as a date. -#}
{% macro quarter_start(quarter_text) -%}
    cast(
        substring({{ quarter_text }}, 1, 4)
        || case substring({{ quarter_text }}, 7, 1)
            when '1' then '-01-01'
            when '2' then '-04-01'
            when '3' then '-07-01'
            when '4' then '-10-01'
        end
    as date)
{%- endmacro %}

{#- A survey year (integer) -> 1 January of that year. -#}
{% macro year_start(year_number) -%}
    cast(cast({{ year_number }} as string) || '-01-01' as date)
{%- endmacro %}

{#- The first day of the month a date falls in, as a date. -#}
{% macro month_of(date_expression) -%}
    cast({{ dbt.date_trunc('month', date_expression) }} as date)
{%- endmacro %}

{#- The newest-delivery flag every staging model carries: per key, the row from the newest
    extract date wins, ties broken on the row number (later row wins). -#}
{% macro is_latest_delivery(key_columns) -%}
    row_number() over (
        partition by {{ key_columns | join(', ') }}
        order by _extract_date desc nulls last, _row_number desc nulls last
    ) = 1
{%- endmacro %}
