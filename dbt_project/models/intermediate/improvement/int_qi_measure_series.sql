-- A project's own (L-) measures as tidy series for the impact verdicts: one row per project,
-- measure code and period (newest delivery of each; staging has typed them), with the value the
-- verdict judges: a proportion (numerator / denominator) when there is a denominator, else the
-- count.
select
    project_id, measure_code, measure_name, direction, frequency, period, numerator, denominator,
    cast(
        case
            when denominator is null then numerator
            else numerator / nullif(denominator, 0)
        end
    as double) as value
from {{ ref('stg_improvement__qi_measure_values') }}
where is_latest
