-- Additive measures: the organisation figure equals the sum of its CSUs' figures (every incident,
-- response, hour and pound is assigned to exactly one CSU).
{{ config(severity='error') }}
with additive as (

    select * from {{ ref('fct_scorecard_monthly') }}
    where measure_id in ('Q01', 'Q02', 'Q03', 'Q04', 'Q05', 'Q06', 'Q07', 'D01', 'D02', 'D03',
                         'S01', 'S02', 'S03', 'S04', 'S05', 'M03', 'M04', 'C01', 'C02', 'C03')

),

by_level as (

    select
        measure_id,
        period,
        sum(case when level = 'organisation' then coalesce(numerator, 0) else 0 end) as org_numerator,
        sum(case when level = 'csu' then coalesce(numerator, 0) else 0 end) as csu_numerator
    from additive
    group by measure_id, period

)

select *
from by_level
where abs(org_numerator - csu_numerator) > 0.000001 * (1 + abs(org_numerator))
