{#- How a measure's value follows from its numerator, denominator and catalogue multiplier:
    a count (no denominator) is scaled, a ratio divides, a zero denominator gives null.
    With `denominator_kind` (the catalogue's), a measure of kind `none` is a count whatever
    denominator its model gives. One rule for the scorecard and its breakdowns. -#}
{% macro measure_value(numerator, denominator, multiplier, denominator_kind=none) -%}
    case
        when {{ numerator }} is null then null
        {%- if denominator_kind %}
        when {{ denominator_kind }} = 'none' then {{ numerator }} * {{ multiplier }}
        {%- else %}
        when {{ denominator }} is null then {{ numerator }} * {{ multiplier }}
        {%- endif %}
        else {{ numerator }} * {{ multiplier }} / nullif({{ denominator }}, 0)
    end
{%- endmacro %}

{#- Why a value is null: the reason given upstream, else a zero denominator, else no data. -#}
{% macro measure_null_reason(value, denominator, upstream_reason=none) -%}
    case
        when {{ value }} is not null then null
        {%- if upstream_reason %}
        when {{ upstream_reason }} is not null then {{ upstream_reason }}
        {%- endif %}
        when {{ denominator }} = 0 then 'zero_denominator'
        else 'no_data'
    end
{%- endmacro %}
