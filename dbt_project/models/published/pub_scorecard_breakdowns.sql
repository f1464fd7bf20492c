{{ config(alias='scorecard_breakdowns') }}

-- Published breakdowns (IMD decile, ethnic group, incident category, site, staff group, waste
-- type). Every row is below the organisation-wide total, so small-number rules apply to all; the
-- cells the disclosure policy withholds (marts.disclosure_withheld_cells) carry no figures.
with breakdowns as (

    select * from {{ ref('fct_scorecard_breakdowns') }}

),

measures as (

    select measure_id, measure_name from {{ ref('dim_measure') }}

),

flagged as (

    select
        breakdowns.*,
        measures.measure_name,
        withheld.measure_id is not null as is_suppressed
    from breakdowns
    inner join measures
        on breakdowns.measure_id = measures.measure_id
    {{ join_withheld_cells('breakdowns', 'breakdowns.breakdown_type',
                           'breakdowns.breakdown_value') }}
    -- the only value of a breakdown of the trust's figure, withheld, is left out altogether
    where coalesce(withheld.rule, '') <> 'unpublished'

)

select
    measure_id,
    measure_name,
    level,
    unit_code,
    period,
    breakdown_type,
    breakdown_value,
    case when is_suppressed then null else numerator end as numerator,
    case when is_suppressed then null else denominator end as denominator,
    case when is_suppressed then null else value end as value,
    target,
    case when is_suppressed then null else responses end as responses,
    is_suppressed,
    case when is_suppressed then 'suppressed' else null_reason end as null_reason
from flagged
