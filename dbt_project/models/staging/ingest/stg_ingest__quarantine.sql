-- Rows that broke their extract contract (raw.quarantine): which extract, file, row, column and
-- rule. The offending value is left out: nothing downstream may copy row content.
select
    cast(extract as string) as extract_name,
    cast(file_name as string) as file_name,
    cast(row_number as bigint) as row_number,
    cast(column_name as string) as column_name,
    cast(rule as string) as rule,
    cast(extract_date as date) as extract_date
from {{ source('ingest', 'quarantine') }}
