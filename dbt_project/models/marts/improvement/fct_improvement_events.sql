-- Improvement events (report-outs, network events, the waste conference, celebrations, system
-- events): one row per event (newest delivery), with the number of projects presented.
select
    cast(event_id as string) as event_id,
    cast(event_date as date) as event_date,
    {{ month_of('event_date') }} as event_month,
    cast(event_type as string) as event_type,
    cast(attendees as bigint) as attendees,
    cast(executive_present as boolean) as executive_present,
    cast(partner_organisations as bigint) as partner_organisations,
    cast(
        case
            when projects_presented is null then 0
            else length(projects_presented) - length(replace(projects_presented, ';', '')) + 1
        end
    as int) as projects_presented_count
from {{ ref('stg_improvement__improvement_events') }}
where is_latest
