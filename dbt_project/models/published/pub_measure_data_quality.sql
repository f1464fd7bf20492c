{{ config(alias='measure_data_quality') }}

-- The data-quality mark of every measure, every night (marts.fct_measure_data_quality): six
-- dimensions, each rated pass / warn / fail / unknown with its evidence in words. Carries no
-- figure of a scorecard cell (counts of rows, files, checks and units only).
select
    quality.measure_id,
    measures.measure_name,
    quality.assessed_on,
    quality.data_as_of,
    quality.source_extract,
    quality.overall_rating,
    quality.dimensions_passed,
    quality.timeliness_rating,
    quality.timeliness_evidence,
    quality.completeness_rating,
    quality.completeness_evidence,
    quality.validity_rating,
    quality.validity_evidence,
    quality.consistency_rating,
    quality.consistency_evidence,
    quality.coverage_rating,
    quality.coverage_evidence,
    quality.audited_rating,
    quality.audited_evidence
from {{ ref('fct_measure_data_quality') }} as quality
inner join {{ ref('dim_measure') }} as measures
    on quality.measure_id = measures.measure_id
