{#- Incremental bookkeeping of int_training_snapshot_summaries: which training snapshots a run
    must (re-)summarise. The watermark is the load log's newest mandatory-training load that the
    summaries had seen (their `summarised_through`); every delivery loaded after it (a new file,
    or a corrected file that replaced an extract date's rows) names its extract date, and the
    snapshot dates to summarise are those with rows from such a delivery plus those already
    summarised from one (a corrected file may have dropped a snapshot's rows).
    Returns none when the model builds in full (first run, --full-refresh). -#}

{% macro training_loads_through() -%}
    select max(loaded_at) from {{ source('ingest', 'load_log') }}
    where extract = 'mandatory_training' and status = 'loaded'
{%- endmacro %}

{% macro training_snapshots_to_summarise() %}
    {% if not is_incremental() %}
        {{ return(none) }}
    {% endif %}
    {% if not execute %}
        {{ return([]) }}
    {% endif %}
    {% set reloaded_query %}
        select distinct extract_date
        from {{ source('ingest', 'load_log') }}
        where extract = 'mandatory_training' and status = 'loaded'
            and loaded_at > (
                select coalesce(max(summarised_through), cast('1900-01-01 00:00:00' as timestamp))
                from {{ this }}
            )
    {% endset %}
    {% set reloaded = run_query(reloaded_query).columns[0].values() | list %}
    {% if reloaded | length == 0 %}
        {{ return([]) }}
    {% endif %}
    {% set snapshots_query %}
        select distinct snapshot_date
        from {{ source('training', 'mandatory_training') }}
        where {{ in_dates('_extract_date', reloaded) }}
        union
        select distinct snapshot_date
        from {{ this }}
        where {% for day in reloaded -%}
            (cast('{{ (day | string)[:10] }}' as date) between first_extract_date and last_extract_date)
            {%- if not loop.last %} or {% endif %}
        {%- endfor %}
    {% endset %}
    {{ return(run_query(snapshots_query).columns[0].values() | list) }}
{% endmacro %}

{#- `column in (dates)` with each date a portable literal; false for no dates. -#}
{% macro in_dates(column, dates) -%}
    {%- if dates | length == 0 -%}
        1 = 0
    {%- else -%}
        {{ column }} in (
            {%- for day in dates -%}
                cast('{{ (day | string)[:10] }}' as date){{ ", " if not loop.last }}
            {%- endfor -%}
        )
    {%- endif -%}
{%- endmacro %}
