-- The disclosure policy's answer: every published cell that is withheld, and why. One policy,
-- computed here once; every published table (dbt's publication candidates and the SPC tables,
-- in the publish step) withholds exactly these cells. See README "Disclosure control".
--   primary      the small-number rule (counts of 1-4, survey figures on under 11 responses),
--                below the organisation-wide total;
--   unpublished  a primary cell that is the only value of a breakdown of the trust's own
--                figure: it equals that figure, and nothing else could protect it, so its row
--                is left out of publication (rather than the trust's headline withheld);
--   secondary    withheld so that no primary cell can be derived by subtraction: in each set of
--                cells adding up to a published total (int_disclosure_cell_groups) where exactly
--                one member is withheld, the next smallest member is withheld too (or, when no
--                member is left, the total itself). A secondary cell can complete another set,
--                so the step repeats; `pass` says in which round a cell was added. Each round
--                looks only at the sets holding a cell the round before withheld (nationally a
--                few thousand after the first, of 15 M set rows).
-- Sets converge in a few rounds on real data; int_disclosure_exposed_groups proves the last
-- round left nothing to do (a dbt test, and the publish step refuses otherwise).
{%- set rounds = 12 %}
{#- every step is a cte() (macros/spark/cte.sql): `once` ones are computed once (a materialized
    CTE on DuckDB; on Spark, which expands a CTE at each reference, a scratch table: the rounds
    nest, and the plan would grow threefold a round) #}
{%- set chain = [] %}
with {% call cte(chain, 'cells', once=true) %}

    select * from {{ ref('int_disclosure_cells') }}

{% endcall %},

{% call cte(chain, 'groups', once=true) %}

    select * from {{ ref('int_disclosure_cell_groups') }}

{% endcall %},

{% call cte(chain, 'unpublished', once=true) %}

    select
        groups.group_id,
        min(case when groups.role = 'member' then groups.cell_id end) as cell_id
    from groups
    inner join cells
        on cells.cell_id = groups.cell_id
    where groups.group_kind = 'breakdown'
    group by groups.group_id
    having sum(case when groups.role = 'member' then 1 else 0 end) = 1
        and sum(case when groups.role = 'member' and cells.is_primary then 1 else 0 end) = 1
        and sum(case when groups.role = 'total' and cells.level = 'organisation'
                     then 1 else 0 end) = 1

{% endcall %},

{% call cte(chain, 'active_groups', once=true) %}

    select * from groups
    where group_id not in (select group_id from unpublished)

{% endcall %},

{% call cte(chain, 'withheld_0', once=true) %}

    select
        cell_id,
        case when cell_id in (select cell_id from unpublished) then 'unpublished'
             else 'primary' end as rule,
        0 as pass
    from cells
    where is_primary

{% endcall %},
{%- for round in range(1, rounds + 1) %}

{% call cte(chain, 'touched_' ~ round, once=true) %}

    -- only a set holding a cell withheld in the last round can be newly exposed: the others
    -- have the same withheld members as before, and a set exposed before got its second then
    select distinct groups.group_id
    from active_groups as groups
    inner join withheld_{{ round - 1 }} as withheld
        on withheld.cell_id = groups.cell_id
    where withheld.pass = {{ round - 1 }}

{% endcall %},

{% call cte(chain, 'state_' ~ round, once=true) %}

    select groups.group_id, groups.cell_id, groups.role, cells.size,
        withheld.cell_id is not null as is_withheld
    from active_groups as groups
    inner join touched_{{ round }} as touched
        on touched.group_id = groups.group_id
    inner join cells
        on cells.cell_id = groups.cell_id
    left join withheld_{{ round - 1 }} as withheld
        on withheld.cell_id = groups.cell_id

{% endcall %},

{% call cte(chain, 'exposed_' ~ round) %}

    select group_id
    from state_{{ round }}
    group by group_id
    having sum(case when role = 'member' and is_withheld then 1 else 0 end) = 1
        and sum(case when role = 'total' and is_withheld then 1 else 0 end) = 0

{% endcall %},

{% call cte(chain, 'picked_' ~ round) %}

    -- the smallest published member (ties by key order); the total only when none is left
    select distinct cell_id
    from (
        select state.cell_id,
            row_number() over (
                partition by state.group_id
                order by case when state.role = 'member' then 0 else 1 end,
                    state.size nulls last, state.cell_id
            ) as preference
        from state_{{ round }} as state
        inner join exposed_{{ round }} as exposed
            on exposed.group_id = state.group_id
        where not state.is_withheld
    ) as candidates
    where preference = 1

{% endcall %},

{% call cte(chain, 'withheld_' ~ round, once=true) %}

    select cell_id, rule, pass from withheld_{{ round - 1 }}
    union all
    select cell_id, 'secondary' as rule, {{ round }} as pass from picked_{{ round }}

{% endcall %},
{%- endfor %}

{% call cte(chain, 'final') %}

    select * from withheld_{{ rounds }}

{% endcall %}

select
    cells.measure_id,
    cells.level,
    cells.unit_code,
    cells.period,
    cells.breakdown_type,
    cells.breakdown_value,
    cast(final.rule as string) as rule,
    cast(final.pass as integer) as pass
from final
inner join cells
    on cells.cell_id = final.cell_id
