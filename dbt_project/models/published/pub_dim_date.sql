{{ config(alias='dim_date') }}

-- The calendar with NHS financial years, as BI tools see it.
select * from {{ ref('dim_date') }}
