{#- A numeric column stays within [min_value, max_value] (either bound optional); nulls pass. -#}
{% test accepted_range(model, column_name, min_value=none, max_value=none) %}

select {{ column_name }}
from {{ model }}
where {{ column_name }} is not null
  and (
      1 = 0
      {%- if min_value is not none %}
      or {{ column_name }} < {{ min_value }}
      {%- endif %}
      {%- if max_value is not none %}
      or {{ column_name }} > {{ max_value }}
      {%- endif %}
  )

{% endtest %}
