{#- A test's `where` config may say `__newest_delivery__`: only the rows of the newest extract
    date. For staging models over very large snapshot histories (mandatory training nationally),
    whose older deliveries were tested when they were the newest. The rest is dbt's default. -#}
{% macro get_where_subquery(relation) -%}
    {% set where = config.get('where', '') %}
    {% if where %}
        {% set newest = 'extract_date = (select max(extract_date) from ' ~ relation ~ ')' %}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where | replace('__newest_delivery__', newest) }}) dbt_subquery
        {%- endset -%}
        {% do return(filtered) %}
    {%- else -%}
        {% do return(relation) %}
    {%- endif -%}
{%- endmacro %}
