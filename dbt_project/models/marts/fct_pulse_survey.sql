-- National Quarterly Pulse Survey: one row per quarter, CSU and engagement item (newest
-- delivery), with the item's answers scored 0, 2.5, 5, 7.5 and 10.
select
    cast(survey_quarter as string) as survey_quarter,
    cast(quarter_start as date) as quarter_start,
    cast(csu_code as string) as csu_code,
    cast(item as int) as item,
    cast(strongly_disagree as bigint) as strongly_disagree,
    cast(disagree as bigint) as disagree,
    cast(neither as bigint) as neither,
    cast(agree as bigint) as agree,
    cast(strongly_agree as bigint) as strongly_agree,
    cast(strongly_disagree + disagree + neither + agree + strongly_agree as bigint) as answers,
    cast(2.5 * disagree + 5.0 * neither + 7.5 * agree + 10.0 * strongly_agree as double)
        as score_sum,
    -- divided as double: Spark keeps 2.5 * n a decimal, and a decimal quotient has 13 places
    cast(
        cast(2.5 * disagree + 5.0 * neither + 7.5 * agree + 10.0 * strongly_agree as double)
        / nullif(strongly_disagree + disagree + neither + agree + strongly_agree, 0)
    as double) as mean_score,
    cast(extract_date as date) as extract_date
from {{ ref('stg_survey__pulse_survey') }}
where is_latest
