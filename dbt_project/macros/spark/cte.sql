{#- One step of a long chain of CTEs, each step reading the ones before it:

        {%- set chain = [] %}
        with {% call cte(chain, 'cells', once=true) %} select ... {% endcall %},
             {% call cte(chain, 'exposed') %} select ... from cells {% endcall %}

    renders `cells as materialized (...)`, `exposed as (...)`. `once` marks a step read several
    times by the steps after it, to be computed once:
    - DuckDB: a MATERIALIZED CTE.
    - Spark has none, and expands a CTE at every reference: a chain of rounds, each reading the
      last one twice or more (disclosure_withheld_cells), gives a query plan three times bigger a
      round (12 rounds: the driver ran out of memory analysing it). So a `once` step is written,
      while the model is built (run, build), to a scratch table `dbt_scratch.<model>__<step>` (the
      steps before it as its CTEs), and the CTE reads that table.
    `chain` collects the steps rendered so far. -#}
{% macro cte(chain, name, once=false) -%}
    {{- adapter.dispatch('cte')(chain, name, once, caller()) -}}
{%- endmacro %}

{% macro default__cte(chain, name, once, body) -%}
    {%- set step = name ~ ' as ' ~ ('materialized ' if once else '') ~ '(' ~ body ~ ')' -%}
    {%- do chain.append(step) -%}
    {{- return(step) -}}
{%- endmacro %}

{% macro spark__cte(chain, name, once, body) -%}
    {%- if once and execute and flags.WHICH in ['run', 'build'] -%}
        {%- set scratch = 'dbt_scratch.' ~ this.identifier ~ '__' ~ name -%}
        {%- do run_query('create database if not exists dbt_scratch') -%}
        {%- do run_query('drop table if exists ' ~ scratch) -%}
        {%- do run_query('create table ' ~ scratch ~ ' using parquet as '
                         ~ ('with ' ~ chain | join(',\n') ~ '\n' if chain else '') ~ body) -%}
        {%- set step = name ~ ' as (select * from ' ~ scratch ~ ')' -%}
    {%- else -%}
        {%- set step = name ~ ' as (' ~ body ~ ')' -%}
    {%- endif -%}
    {%- do chain.append(step) -%}
    {{- return(step) -}}
{%- endmacro %}
