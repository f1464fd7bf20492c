{{ config(alias='data_quality') }}

-- One row per extract with a contract (the sources tagged `extract`, generated from
-- dagster_project/contracts/extracts.py): files loaded and rejected, rows loaded and
-- quarantined, the latest extract date loaded and when the extract last loaded. An extract
-- never delivered has zeros and nulls. A view: it reads raw.load_log when it is published.
-- depends_on: {{ source('ingest', 'load_log') }}
{%- set extracts = [] %}
{%- if execute %}
    {%- for source in graph.sources.values() | sort(attribute='name') %}
        {%- if 'extract' in source.tags %}
            {%- do extracts.append((source.name, source.source_name)) %}
        {%- endif %}
    {%- endfor %}
{%- endif %}
{%- set load_log = adapter.get_relation(database=target.database, schema=source('ingest', 'load_log').schema,
                                        identifier='load_log') if execute else none %}

with extracts as (
    {%- for name, family in extracts %}
    select cast('{{ name }}' as string) as extract, cast('{{ family }}' as string) as family
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- else %}
    select cast(null as string) as extract, cast(null as string) as family where 1 = 0
    {%- endfor %}
),

{%- if load_log %}

files as (
    select
        extract,
        sum(case when status = 'loaded' then 1 else 0 end) as files_loaded,
        sum(case when status = 'rejected' then 1 else 0 end) as files_rejected,
        sum(case when status = 'loaded' then rows_loaded else 0 end) as rows_loaded,
        sum(case when status = 'loaded' then rows_quarantined else 0 end) as rows_quarantined,
        max(case when status = 'loaded' then extract_date end) as latest_extract_date,
        max(case when status = 'loaded' then loaded_at end) as last_loaded_at
    from {{ source('ingest', 'load_log') }}
    group by extract
)

{%- else %}

-- the ingest step has not run yet: nothing delivered
files as (
    select
        cast(null as string) as extract, 0 as files_loaded, 0 as files_rejected,
        0 as rows_loaded, 0 as rows_quarantined, cast(null as date) as latest_extract_date,
        cast(null as timestamp) as last_loaded_at
    where 1 = 0
)

{%- endif %}

select
    extracts.extract,
    extracts.family,
    cast(coalesce(files.files_loaded, 0) as bigint) as files_loaded,
    cast(coalesce(files.files_rejected, 0) as bigint) as files_rejected,
    cast(coalesce(files.rows_loaded, 0) as bigint) as rows_loaded,
    cast(coalesce(files.rows_quarantined, 0) as bigint) as rows_quarantined,
    cast(files.latest_extract_date as date) as latest_extract_date,
    cast(files.last_loaded_at as timestamp) as last_loaded_at
from extracts
left join files
    on files.extract = extracts.extract
order by extracts.extract
