with source as (

    select * from {{ source('training', 'mandatory_training') }}

),

-- The key includes snapshot_date and a delivery holds each key once, so rows can only compete
-- for "latest" when one snapshot date came in more than one delivery. Only those rows need the
-- window: over a national history (hundreds of millions of rows) the window alone takes minutes.
snapshot_deliveries as (

    select snapshot_date, count(distinct _extract_date) as deliveries
    from source
    group by snapshot_date

),

-- The hints tell Spark to send the dozen snapshot dates to every task instead of shuffling
-- the history to meet them (it cannot know the aggregate is small until it has run); DuckDB
-- reads them as comments.
single_delivery as (

    select /*+ broadcast(snapshot_deliveries) */ source.*, true as is_latest
    from source
    inner join snapshot_deliveries
        on source.snapshot_date = snapshot_deliveries.snapshot_date
    where snapshot_deliveries.deliveries = 1

),

several_deliveries as (

    select /*+ broadcast(snapshot_deliveries) */
        source.*,
        {{ is_latest_delivery(['source.snapshot_date', 'person_key', 'competence_code']) }}
            as is_latest
    from source
    inner join snapshot_deliveries
        on source.snapshot_date = snapshot_deliveries.snapshot_date
    where snapshot_deliveries.deliveries > 1

),

flagged as (

    select * from single_delivery
    union all
    select * from several_deliveries

),

renamed as (

    select
        cast(snapshot_date as date) as snapshot_date,
        cast(person_key as string) as person_key,
        cast(csu_code as string) as csu_code,
        cast(staff_group as string) as staff_group,
        cast(competence_code as string) as competence_code,
        cast(competence_name as string) as competence_name,
        cast(required as boolean) as required,
        cast(status as string) as status,
        cast(achieved_date as date) as achieved_date,
        cast(expiry_date as date) as expiry_date,
        {{ lineage_columns() }},
        is_latest
    from flagged

)

select * from renamed
