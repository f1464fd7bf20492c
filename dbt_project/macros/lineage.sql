{#- The lineage columns every staging model carries from its raw table (the loader's _extract_date,
    _file_name, _content_hash, _row_number, _loaded_at), typed and renamed once here. -#}
{% macro lineage_columns() -%}
        cast(_extract_date as date) as extract_date,
        cast(_file_name as string) as source_file_name,
        cast(_content_hash as string) as source_content_hash,
        cast(_row_number as bigint) as source_row_number,
        cast(_loaded_at as timestamp) as loaded_at
{%- endmacro %}

{#- For an extract that is a full snapshot each night: the row is in the newest delivery (what is
    not in it is no longer there). -#}
{% macro in_newest_snapshot() -%}
    cast(_extract_date as date) = max(cast(_extract_date as date)) over ()
{%- endmacro %}
