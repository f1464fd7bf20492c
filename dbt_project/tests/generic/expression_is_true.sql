{#- Every row satisfies a boolean SQL expression; rows where it is false (or null, unless
    nulls are allowed) fail. Used for invariants such as numerator <= denominator. -#}
{% test expression_is_true(model, expression, allow_null=true) %}

select *
from {{ model }}
where not ({{ expression }})
{%- if not allow_null %}
   or ({{ expression }}) is null
{%- endif %}

{% endtest %}
