-- M09 (active QI projects), M10 (active projects with patient or Quality Partner involvement /
-- active projects) from the register's snapshot at month end, by the leading CSU; C04 (waste walks
-- completed) and C05 (walk actions completed / raised) by walk month and the walk's CSU.
-- A month's snapshot is the newest delivery dated on or before its last day: a night whose
-- register was unchanged is skipped by the loader as a duplicate of the previous file, and the
-- earlier snapshot stands for it. Before the first delivery there is no value (no_data).
with frame as (

    {{ measure_frame() }}

),

organisation as (

    {{ organisation_unit() }}

),

snapshots as (

    select
        extract_date,
        csu_code,
        stage,
        quality_partner_involved,
        patients_involved
    from {{ ref('stg_improvement__qi_projects') }}

),

delivered as (

    select distinct extract_date, {{ month_of('extract_date') }} as delivered_month
    from snapshots

),

-- each month's snapshot: the newest delivery dated on or before the month's end
month_end as (

    select months.period, max(delivered.extract_date) as extract_date
    from (select distinct period from frame) as months
    inner join delivered on delivered.delivered_month <= months.period
    group by months.period

),

projects_by_csu as (

    select
        snapshots.csu_code,
        month_end.period,
        sum(case when snapshots.stage in ({{ qi_active_stages() }}) then 1 else 0 end)
            as active_projects,
        sum(case when snapshots.stage in ({{ qi_active_stages() }})
                  and (snapshots.quality_partner_involved or snapshots.patients_involved)
                 then 1 else 0 end) as involving_projects
    from snapshots
    inner join month_end on snapshots.extract_date = month_end.extract_date
    group by snapshots.csu_code, month_end.period

),

projects as (

    {{ with_organisation_rollup('projects_by_csu', ['active_projects', 'involving_projects']) }}

),

walks_by_csu as (

    select
        csu_code,
        walk_month as period,
        count(distinct walk_id) as walks,
        sum(actions_raised) as actions_raised,
        sum(actions_completed) as actions_completed
    from {{ ref('fct_waste_walks') }}
    group by csu_code, walk_month

),

walks as (

    {{ with_organisation_rollup('walks_by_csu', ['walks', 'actions_raised', 'actions_completed']) }}

),

-- a delivered month with no project of a unit is zero, not missing
register_months as (

    select
        frame.level,
        frame.unit_code,
        frame.period,
        coalesce(projects.active_projects, 0) as active_projects,
        coalesce(projects.involving_projects, 0) as involving_projects
    from frame
    inner join month_end on frame.period = month_end.period
    left join projects
        on {{ same_unit_period('frame', 'projects') }}

),

walk_months as (

    {{ unit_periods_zero_filled('walks', ['walks', 'actions_raised', 'actions_completed']) }}

),

counted as (

    select distinct 'M09' as measure_id, level, unit_code, period,
        active_projects as numerator, cast(null as double) as denominator
    from register_months

    union all
    select distinct 'M10', level, unit_code, period, involving_projects, active_projects
    from register_months

    union all
    select 'C04', level, unit_code, period, walks, cast(null as double)
    from walk_months

    union all
    select 'C05', level, unit_code, period, actions_completed, actions_raised
    from walk_months

)

{{ measure_values_select('counted', 'counted.numerator', 'counted.denominator') }}
