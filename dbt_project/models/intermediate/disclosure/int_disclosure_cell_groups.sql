{{ config(materialized='table') }}

-- The sets of published cells that add up to a published total: where exactly one member of a
-- set is withheld and its total is not, the withheld figure is the total minus the others, so
-- secondary suppression (marts.disclosure_withheld_cells) withholds one more. One row per
-- (group, cell): role 'member' or 'total'.
--   units      the CSUs of a measure, period (and breakdown value) add up to the organisation's;
--   breakdown  the values of one breakdown of a unit's figure add up to that figure;
--   series     the points of an SPC chart (between rebase dates) add up to its centre line times
--              the number of points - the centre line is published, so it is a total too.
with cells as (

    select * from {{ ref('int_disclosure_cells') }}

),

rebase_dates as (

    select measure_id, level, unit_code, cast(rebase_date as date) as rebase_date
    from {{ ref('spc_rebase_dates') }}

),

units as (

    select
        'units' as group_kind,
        measure_id, cast(null as string) as level, cast(null as string) as unit_code, period,
        breakdown_type, breakdown_value, cast(0 as bigint) as segment,
        cell_id,
        case when level = 'organisation' then 'total' else 'member' end as role
    from cells

),

breakdown_sets as (

    select distinct measure_id, level, unit_code, period, breakdown_type
    from cells
    where breakdown_type <> ''

),

breakdown as (

    select
        'breakdown' as group_kind,
        sets.measure_id, sets.level, sets.unit_code, sets.period,
        sets.breakdown_type, '' as breakdown_value, cast(0 as bigint) as segment,
        cells.cell_id,
        case when cells.breakdown_type = '' then 'total' else 'member' end as role
    from breakdown_sets as sets
    inner join cells
        on cells.measure_id = sets.measure_id
        and cells.level = sets.level
        and cells.unit_code = sets.unit_code
        and cells.period = sets.period
        and (cells.breakdown_type = sets.breakdown_type or cells.breakdown_type = '')

),

series as (

    -- a segment is the stretch of a chart between two rebase dates (each has its own limits)
    select
        'series' as group_kind,
        cells.measure_id, cells.level, cells.unit_code, cast(null as date) as period,
        '' as breakdown_type, '' as breakdown_value,
        cast((
            select count(*) from rebase_dates
            where rebase_dates.measure_id = cells.measure_id
                and rebase_dates.level = cells.level
                and rebase_dates.unit_code = cells.unit_code
                and rebase_dates.rebase_date <= cells.period
        ) as bigint) as segment,
        cells.cell_id,
        'member' as role
    from cells
    where cells.in_series and cells.breakdown_type = ''

),

memberships as (

    select * from units
    union all
    select * from breakdown
    union all
    select * from series

)

select
    cast(dense_rank() over (
        order by group_kind, measure_id, level, unit_code, period, breakdown_type,
            breakdown_value, segment
    ) as bigint) as group_id,
    cast(group_kind as string) as group_kind,
    cell_id,
    cast(role as string) as role
from memberships
