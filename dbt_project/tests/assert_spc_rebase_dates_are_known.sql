-- Every row of seeds/spc_rebase_dates.csv names a catalogue measure, a level, a unit of that level
-- and a readable date (YYYY-MM-DD): otherwise the row would be ignored silently. The SPC step
-- stops on the same rows and names their line in the file (dagster_project/spc/rebase_dates.py);
-- the failing rows are kept in dbt_test__audit.assert_spc_rebase_dates_are_known.
{{ config(severity='error', store_failures=true,
          meta={'dagster': {'ref': {'name': 'spc_rebase_dates'}}}) }}
with rebase_dates as (

    select measure_id, level, unit_code, rebase_date, reason from {{ ref('spc_rebase_dates') }}

),

catalogue as (

    select measure_id from {{ ref('measure_catalogue') }}

),

units as (

    select level, unit_code from {{ ref('int_scorecard_units') }}

),

checked as (

    select
        rebase_dates.*,
        case
            when catalogue.measure_id is null then 'unknown measure_id'
            when rebase_dates.level not in ('organisation', 'csu') then 'unknown level'
            when units.unit_code is null then 'unknown unit_code for the level'
            when {{ dbt.safe_cast('rebase_dates.rebase_date', api.Column.translate_type('date')) }} is null
                then 'rebase_date is not a date'
        end as problem
    from rebase_dates
    left join catalogue
        on rebase_dates.measure_id = catalogue.measure_id
    left join units
        on rebase_dates.level = units.level
        and rebase_dates.unit_code = units.unit_code

)

select * from checked where problem is not null
