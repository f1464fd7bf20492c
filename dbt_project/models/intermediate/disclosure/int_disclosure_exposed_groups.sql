-- Sets of cells from which a withheld figure could still be derived by subtraction: exactly one
-- member withheld, the total published, and another cell left that secondary suppression could
-- have withheld. A set whose only member is left unpublished is not published at all. Must be
-- empty: a dbt test and the publish step both refuse otherwise.
with groups as (

    select * from {{ ref('int_disclosure_cell_groups') }}

),

withheld as (

    select cells.cell_id, withheld_cells.rule
    from {{ ref('disclosure_withheld_cells') }} as withheld_cells
    inner join {{ ref('int_disclosure_cells') }} as cells
        on cells.measure_id = withheld_cells.measure_id
        and cells.level = withheld_cells.level
        and cells.unit_code = withheld_cells.unit_code
        and cells.period = withheld_cells.period
        and cells.breakdown_type = withheld_cells.breakdown_type
        and cells.breakdown_value = withheld_cells.breakdown_value

),

state as (

    select groups.group_id, groups.group_kind, groups.role,
        withheld.cell_id is not null as is_withheld,
        coalesce(withheld.rule = 'unpublished', false) as is_unpublished
    from groups
    left join withheld
        on groups.cell_id = withheld.cell_id

)

select group_id, group_kind
from state
group by group_id, group_kind
having sum(case when role = 'member' and is_withheld then 1 else 0 end) = 1
    and sum(case when role = 'total' and is_withheld then 1 else 0 end) = 0
    and sum(case when not is_withheld then 1 else 0 end) > 0
    and sum(case when role = 'member' and is_unpublished then 1 else 0 end) = 0
