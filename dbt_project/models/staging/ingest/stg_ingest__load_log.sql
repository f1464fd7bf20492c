-- The ingest step's decision on every delivered file (raw.load_log): loaded, rejected or
-- skipped_duplicate, with its rows in, loaded and quarantined. Read for each extract's as-of date
-- (maturity, staleness) and for the data-quality mark.
select
    cast(extract as string) as extract_name,
    cast(file_name as string) as file_name,
    cast(status as string) as status,
    cast(rows_in as bigint) as rows_in,
    cast(rows_loaded as bigint) as rows_loaded,
    cast(rows_quarantined as bigint) as rows_quarantined,
    cast(extract_date as date) as extract_date,
    cast(loaded_at as timestamp) as loaded_at
from {{ source('ingest', 'load_log') }}
