{#- Small-number rules for publication (docs/measures.md), by the catalogue's `suppression`.
    This is the PRIMARY rule only; the whole disclosure policy (primary and secondary
    suppression) is computed once, in marts.disclosure_withheld_cells, and every published
    table reads it from there (see README "Disclosure control").
    - small_count: a count of 1 to small_count_max() (numerator or denominator) is withheld -
      also when the value itself is null (a zero denominator under a small numerator still
      publishes the numerator);
    - survey: a figure resting on fewer than survey_min_responses() responses is withheld;
    - none: published as is.
    Applied only to rows below the organisation-wide total (the caller says which rows). -#}

{#- The thresholds, written once: the largest count withheld (1-4) and the fewest responses a
    survey figure is published on (11). -#}
{% macro small_count_max() %}4{% endmacro %}
{% macro survey_min_responses() %}11{% endmacro %}

{% macro is_suppressed(suppression, numerator, denominator, responses, value) -%}
    coalesce(
        ({{ suppression }} = 'small_count'
            and (({{ numerator }} >= 1 and {{ numerator }} <= {{ small_count_max() }})
              or ({{ denominator }} >= 1 and {{ denominator }} <= {{ small_count_max() }})))
        or ({{ suppression }} = 'survey'
            and (({{ value }} is not null and coalesce({{ responses }}, 0) < {{ survey_min_responses() }})
              or ({{ responses }} >= 1 and {{ responses }} < {{ survey_min_responses() }}))),
        false
    )
{%- endmacro %}

{#- The key of a published cell: which measure, unit and period, and (for a breakdown) which
    breakdown value. A unit's own total has the breakdown columns empty (''), so keys compare
    with plain equality. -#}
{#- `left join` the withheld cells onto a published model's rows: `relation` is the model's
    alias, `breakdown_type`/`breakdown_value` its expressions for them ('' for a unit total).
    After it, `withheld.measure_id is not null` says the row is withheld. -#}
{% macro join_withheld_cells(relation, breakdown_type="''", breakdown_value="''",
                             measure_id=None, level=None, unit_code=None) -%}
    left join {{ ref('disclosure_withheld_cells') }} as withheld
        on withheld.measure_id = {{ measure_id or relation ~ '.measure_id' }}
        and withheld.level = {{ level or relation ~ '.level' }}
        and withheld.unit_code = {{ unit_code or relation ~ '.unit_code' }}
        and withheld.period = {{ relation }}.period
        and withheld.breakdown_type = {{ breakdown_type }}
        and withheld.breakdown_value = {{ breakdown_value }}
{%- endmacro %}

{#- A Staff Survey theme row's cell key, as cell_* columns: a CSU row is a CSU cell, a
    staff-group row a breakdown of the organisation, and the two scorecard themes take their
    measure's id, so the figure they share with the scorecard is one cell. -#}
{% macro staff_survey_cell_key(themes, org_code) -%}
    coalesce({{ themes }}.measure_id, {{ themes }}.theme_code) as cell_measure_id,
    case when {{ themes }}.breakdown_type = 'csu' then 'csu' else 'organisation' end
        as cell_level,
    case when {{ themes }}.breakdown_type = 'staff_group' then {{ org_code }}
         else {{ themes }}.breakdown_code end as cell_unit_code,
    case when {{ themes }}.breakdown_type = 'staff_group' then 'staff_group' else '' end
        as cell_breakdown_type,
    case when {{ themes }}.breakdown_type = 'staff_group' then {{ themes }}.breakdown_code
         else '' end as cell_breakdown_value
{%- endmacro %}
