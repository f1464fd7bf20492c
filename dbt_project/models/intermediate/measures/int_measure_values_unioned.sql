-- Every measure family's values in one long shape: (measure_id, level, unit_code, period,
-- numerator, denominator, responses, target, null_reason). A new family model is one more line.
{%- set families = [
    'int_measure_values_incidents',
    'int_measure_values_activity',
    'int_measure_values_fft',
    'int_measure_values_pulse',
    'int_measure_values_staff_survey',
    'int_measure_values_mandatory_training',
    'int_measure_values_improvement_training',
    'int_measure_values_savings',
    'int_measure_values_improvement_register',
] %}
{% for family in families %}
select
    measure_id, level, unit_code, period, numerator, denominator, responses, target, null_reason,
    '{{ family }}' as source_model
from {{ ref(family) }}
{% if not loop.last %}union all{% endif %}
{% endfor %}
