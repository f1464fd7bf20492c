{#- The register's stages in which a project counts as active (M09, M10, dim_qi_project), as a
    SQL list. Mirrors QI_ACTIVE_STAGES in dagster_project/contracts/extracts.py (a test checks). -#}
{% macro qi_active_stages() -%}
    'testing', 'implementing', 'spreading', 'sustaining'
{%- endmacro %}
