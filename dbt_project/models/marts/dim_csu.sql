-- One row per CSU (its most recent name), with how many locations it has held over time and now.
with versions as (

    select * from {{ ref('int_locations_versioned') }}

),

units as (

    select unit_code as csu_code, unit_name as csu_name, org_code
    from {{ ref('int_scorecard_units') }}
    where level = 'csu'

),

organisations as (

    select * from {{ ref('int_organisation_names') }}

),

location_counts as (

    select
        csu_code,
        count(distinct location_code) as locations_ever,
        count(distinct case when is_current then location_code end) as locations_current,
        min(valid_from) as first_valid_from
    from versions
    group by csu_code

)

select
    cast(units.csu_code as string) as csu_code,
    cast(units.csu_name as string) as csu_name,
    cast(units.org_code as string) as org_code,
    cast(organisations.org_name as string) as org_name,
    cast(location_counts.locations_ever as bigint) as locations_ever,
    cast(coalesce(location_counts.locations_current, 0) as bigint) as locations_current,
    cast(location_counts.first_valid_from as date) as first_valid_from
from units
left join organisations
    on units.org_code = organisations.org_code
left join location_counts
    on units.csu_code = location_counts.csu_code
