{#- The measures a family model computes are the measure ids its SQL names in quotes ('Q03'):
    its union-all branches (`select 'Q03' as measure_id, ...`), plus any SQL it takes from a
    macro (`extra_sql`, e.g. incident_measure_counts()). So adding a measure is its catalogue row
    plus its branch, and no list of ids is kept anywhere else. A catalogue measure that no family
    names is marked not_computed by fct_scorecard_monthly, and a test names it. -#}
{% macro computed_measure_ids(extra_sql='') -%}
    {%- set code = model.raw_code ~ ' ' ~ extra_sql -%}
    {{ return(modules.re.findall("'([A-Z][0-9]{2})'", code) | unique | sort | list) }}
{%- endmacro %}

{#- The rows a family model must fill: every (measure_id, level, unit_code, period) of
    int_scorecard_grid for the measures it computes (computed_measure_ids), with the catalogue's
    denominator_kind (none, counted or bed_days). -#}
{% macro measure_frame(extra_sql='') -%}
    {%- set ids = computed_measure_ids(extra_sql) -%}
    select grid.measure_id, grid.level, grid.unit_code, grid.period, catalogue.denominator_kind
    from {{ ref('int_scorecard_grid') }} as grid
    inner join {{ ref('measure_catalogue') }} as catalogue
        on grid.measure_id = catalogue.measure_id
    where grid.measure_id in ('{{ ids | join("', '") }}')
{%- endmacro %}

{#- The organisation's unit code, as a one-row select. -#}
{% macro organisation_unit() -%}
    select unit_code as org_code
    from {{ ref('int_scorecard_units') }}
    where level = 'organisation'
{%- endmacro %}

{#- A family model's per-CSU sums, plus the organisation's: the same columns summed over every
    CSU. Needs CTEs `<by_csu>` (csu_code, period, columns...) and `organisation`. -#}
{% macro with_organisation_rollup(by_csu, columns) -%}
    select 'csu' as level, csu_code as unit_code, period, {{ columns | join(', ') }}
    from {{ by_csu }}

    union all

    select 'organisation' as level, organisation.org_code as unit_code, {{ by_csu }}.period,
        {%- for column in columns %}
        sum({{ by_csu }}.{{ column }}) as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ by_csu }}
    cross join organisation
    group by organisation.org_code, {{ by_csu }}.period
{%- endmacro %}

{#- Join conditions: the same unit and period, and the same measure cell (measure, unit, period)
    in `left` and `right`. -#}
{% macro same_unit_period(left, right) -%}
    {{ left }}.level = {{ right }}.level
    and {{ left }}.unit_code = {{ right }}.unit_code
    and {{ left }}.period = {{ right }}.period
{%- endmacro %}

{% macro same_measure_cell(left, right) -%}
    {{ left }}.measure_id = {{ right }}.measure_id
    and {{ same_unit_period(left, right) }}
{%- endmacro %}

{#- Every unit-period of the CTE `frame` once, with `columns` from `relation` (a
    with_organisation_rollup), a unit-period missing from it as zeros. -#}
{% macro unit_periods_zero_filled(relation, columns) -%}
    select distinct
        frame.level,
        frame.unit_code,
        frame.period,
        {%- for column in columns %}
        coalesce({{ relation }}.{{ column }}, 0) as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from frame
    left join {{ relation }}
        on {{ same_unit_period('frame', relation) }}
{%- endmacro %}

{#- A family model's closing select: every row of its CTE `frame` (measure_frame), left-joined to
    `relation` on the cell's keys, with the family's expressions for the five value columns cast
    to the shape int_measure_values_unioned reads. More joins may follow the call. -#}
{% macro measure_values_select(relation, numerator, denominator, responses='null', target='null',
                               null_reason='null') -%}
select
    frame.measure_id,
    frame.level,
    frame.unit_code,
    frame.period,
    cast({{ numerator }} as double) as numerator,
    cast({{ denominator }} as double) as denominator,
    cast({{ responses }} as bigint) as responses,
    cast({{ target }} as double) as target,
    cast({{ null_reason }} as string) as null_reason
from frame
left join {{ relation }}
    on {{ same_measure_cell('frame', relation) }}
{%- endmacro %}
