{#- Small-number rules for publication (specs/measures.md), by the catalogue's `suppression`:
    - small_count: a count of 1-4 (numerator or denominator) is withheld;
    - survey: a figure resting on fewer than 11 responses is withheld;
    - none: published as is.
    Applied only to rows below the organisation-wide total (the caller says which rows). -#}
{% macro is_suppressed(suppression, numerator, denominator, responses, value) -%}
    coalesce(
        {{ value }} is not null
        and (
            ({{ suppression }} = 'small_count'
                and (({{ numerator }} >= 1 and {{ numerator }} <= 4)
                  or ({{ denominator }} >= 1 and {{ denominator }} <= 4)))
            or ({{ suppression }} = 'survey' and coalesce({{ responses }}, 0) < 11)
        ),
        false
    )
{%- endmacro %}
