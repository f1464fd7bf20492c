{#- The raw layer as Spark sees it: every dbt source over its Parquet folder in the lake
    (dagster_project/engine/lake_export.py writes the layout: <LAKE_DIR>/<schema>/<table>/, raw
    extracts partitioned by _extract_date). Run `on-run-start`; on DuckDB the sources are the
    warehouse's own tables and there is nothing to do.

    Sources with declared columns get exactly those types (Spark would otherwise take whatever
    the files say) and exist even before their first delivery; their partitions are found in the
    folder at read time, not recorded in the metastore; sources without (the ingest
    bookkeeping) take the schema from their files. Tables are external (LOCATION), so dropping
    one never deletes data, and re-creating them every run follows new columns and deliveries.

    Raw sources are always registered. The other lake tables dbt reads (quality.check_results,
    marts.fct_qi_impact) exist only once the pipeline has written them, and Jinja cannot look at
    a folder: the caller names those present, --vars '{"lake_tables": ["quality.check_results"]}'. -#}
{% macro register_lake_sources() -%}
    {{ return(adapter.dispatch('register_lake_sources')()) }}
{%- endmacro %}

{% macro default__register_lake_sources() -%}
{%- endmacro %}

{% macro spark__register_lake_sources() -%}
    {%- if execute -%}
    {#- the lake as Spark addresses it (LAKE_URL), which may not be this machine's path -#}
    {%- set lake_dir = env_var('LAKE_URL', env_var('LAKE_DIR', 'data/lake')) -%}
    {%- set optional = var('lake_tables', []) -%}
    {%- set done, schemas = [], [] -%}
    {%- for source in graph.sources.values() -%}
        {%- set relation = source.schema ~ '.' ~ source.identifier -%}
        {%- if (source.schema == 'raw' or relation in optional) and relation not in done -%}
            {%- do done.append(relation) -%}
            {%- if source.schema not in schemas -%}
                {%- do schemas.append(source.schema) -%}
                {%- do run_query('create database if not exists ' ~ source.schema) -%}
            {%- endif -%}
            {%- do register_lake_table(source, lake_dir ~ '/' ~ source.schema ~ '/' ~ source.identifier) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{% macro register_lake_table(source, folder) -%}
    {%- set relation = source.schema ~ '.' ~ source.identifier -%}
    {%- set columns = source.columns.values() | selectattr('data_type') | list -%}
    {%- set partitioned = columns | selectattr('name', 'equalto', '_extract_date') | list -%}
    {%- do run_query('drop table if exists ' ~ relation) -%}
    {%- if columns -%}
        {%- set declared = [] -%}
        {%- for column in columns -%}
            {%- do declared.append(column.name ~ ' ' ~ column.data_type) -%}
        {%- endfor -%}
        {#- no `recover partitions`: with spark.sql.hive.manageFilesourcePartitions off (the
            profile, engine/spark.py) Spark lists the partition folders when it reads, so a new
            or removed delivery is seen without a metastore write per partition -#}
        {%- do run_query('create table ' ~ relation ~ ' (' ~ declared | join(', ') ~ ') using parquet'
                         ~ (' partitioned by (_extract_date)' if partitioned else '')
                         ~ " location '" ~ folder ~ "'") -%}
    {%- else -%}
        {%- do run_query('create table ' ~ relation ~ " using parquet location '" ~ folder ~ "'") -%}
    {%- endif -%}
    {#- dbt listed the schemas' relations before this hook ran: without this, a lake table
        registered for the first time is missing from `adapter.get_relation` for the rest of the
        run (the verdicts source: M11 was computed with no verdicts on a first night) -#}
    {%- do adapter.cache_added(api.Relation.create(database=source.database, schema=source.schema,
                                                   identifier=source.identifier, type='table')) -%}
{%- endmacro %}
