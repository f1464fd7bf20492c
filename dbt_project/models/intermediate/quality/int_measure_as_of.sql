-- For every catalogue measure, the dates its periods are judged against:
--   source_as_of    - the newest extract date loaded for the measure's source_extract: the data
--                     is complete up to that date (less the extract lag the catalogue's
--                     maturity_days includes), so a period matures when it is maturity_days past;
--   staleness_as_of - the newest extract date loaded for any source: a measure's latest period
--                     is overdue by this date. A date from the data, not the clock, so a re-run
--                     of old deliveries judges as it did then and tests are deterministic; a
--                     night when every source stopped is the freshness checks' job.
-- Null source_as_of: the source never delivered a loaded file.
with catalogue as (

    select measure_id, source_extract, maturity_days, overdue_days, source_audited
    from {{ ref('measure_catalogue') }}

),

loaded as (

    select extract_name, extract_date
    from {{ ref('stg_ingest__load_log') }}
    where status = 'loaded' and extract_date is not null

),

per_extract as (

    select extract_name, max(extract_date) as source_as_of
    from loaded
    group by extract_name

),

overall as (

    select max(extract_date) as staleness_as_of from loaded

)

select
    cast(catalogue.measure_id as string) as measure_id,
    cast(catalogue.source_extract as string) as source_extract,
    cast(catalogue.maturity_days as int) as maturity_days,
    cast(catalogue.overdue_days as int) as overdue_days,
    cast(catalogue.source_audited as string) as source_audited,
    cast(per_extract.source_as_of as date) as source_as_of,
    cast(overall.staleness_as_of as date) as staleness_as_of
from catalogue
left join per_extract
    on catalogue.source_extract = per_extract.extract_name
cross join overall
