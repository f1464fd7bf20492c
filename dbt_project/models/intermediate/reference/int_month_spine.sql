-- Every month from the earliest to the latest month of the activity extract (the scorecard's
-- period spine). A portable number spine (0..9999) instead of dbt_utils or generate_series.
with digits as (

    select 0 as d union all select 1 union all select 2 union all select 3 union all select 4
    union all select 5 union all select 6 union all select 7 union all select 8 union all select 9

),

numbers as (

    select d1.d + 10 * d2.d + 100 * d3.d as n
    from digits as d1
    cross join digits as d2
    cross join digits as d3

),

bounds as (

    select
        min(activity_month) as first_month,
        max(activity_month) as last_month
    from {{ ref('stg_reference__activity') }}
    where is_latest

)

select
    cast({{ dbt.dateadd('month', 'numbers.n', 'bounds.first_month') }} as date) as period
from numbers
cross join bounds
where numbers.n <= {{ dbt.datediff('bounds.first_month', 'bounds.last_month', 'month') }}
