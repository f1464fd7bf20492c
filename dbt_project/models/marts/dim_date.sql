-- A daily calendar covering whole calendar years from the earliest incident or activity month to
-- the latest activity month, with NHS financial years (April to March). Portable: a number spine,
-- dbt date macros, and the weekday from the day count since Monday 1 January 1900.
with digits as (

    select 0 as d union all select 1 union all select 2 union all select 3 union all select 4
    union all select 5 union all select 6 union all select 7 union all select 8 union all select 9

),

numbers as (

    select d1.d + 10 * d2.d + 100 * d3.d + 1000 * d4.d + 10000 * d5.d as n
    from digits as d1
    cross join digits as d2
    cross join digits as d3
    cross join digits as d4
    cross join digits as d5

),

edges as (

    select min(activity_month) as first_day, max(activity_month) as last_day
    from {{ ref('stg_reference__activity') }}
    where is_latest
    union all
    select min(incident_date) as first_day, max(incident_date) as last_day
    from {{ ref('int_incidents_latest') }}

),

bounds as (

    select
        cast({{ dbt.date_trunc('year', 'min(first_day)') }} as date) as first_day,
        cast({{ dbt.last_day(dbt.date_trunc('year', 'max(last_day)'), 'year') }} as date) as last_day
    from edges

),

days as (

    select cast({{ dbt.dateadd('day', 'numbers.n', 'bounds.first_day') }} as date) as date_day
    from numbers
    cross join bounds
    where numbers.n <= {{ dbt.datediff('bounds.first_day', 'bounds.last_day', 'day') }}

),

parts as (

    select
        date_day,
        cast(extract(year from date_day) as int) as calendar_year,
        cast(extract(month from date_day) as int) as month_number,
        cast(extract(day from date_day) as int) as day_of_month,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start,
        cast({{ dbt.last_day('date_day', 'month') }} as date) as month_end,
        cast({{ dbt.date_trunc('quarter', 'date_day') }} as date) as quarter_start,
        cast({{ dbt.datediff("cast('1900-01-01' as date)", 'date_day', 'day') }} as bigint)
            as days_since_1900
    from days

)

select
    cast(date_day as date) as date_day,
    cast(calendar_year as int) as calendar_year,
    cast(month_number as int) as month_number,
    cast(day_of_month as int) as day_of_month,
    cast(month_start as date) as month_start,
    cast(month_end as date) as month_end,
    cast(quarter_start as date) as quarter_start,
    cast(floor((month_number - 1) / 3) + 1 as int) as calendar_quarter,
    cast(days_since_1900 - 7 * floor(days_since_1900 / 7) + 1 as int) as iso_day_of_week,
    cast(days_since_1900 - 7 * floor(days_since_1900 / 7) >= 5 as boolean) as is_weekend,
    cast(case when month_number >= 4 then calendar_year else calendar_year - 1 end as int)
        as financial_year_start_year,
    cast(
        cast(case when month_number >= 4 then calendar_year else calendar_year - 1 end as string)
        || '/'
        || substring(cast(case when month_number >= 4 then calendar_year + 1 else calendar_year end as string), 3, 2)
    as string) as financial_year,
    cast(case when month_number >= 4 then month_number - 3 else month_number + 9 end as int)
        as financial_month_number,
    cast(floor((case when month_number >= 4 then month_number - 4 else month_number + 8 end) / 3) + 1 as int)
        as financial_quarter,
    cast(date_day = month_end as boolean) as is_month_end
from parts
