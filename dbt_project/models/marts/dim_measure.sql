-- The measure catalogue (seeds/measure_catalogue.csv): one row per scorecard measure.
select
    cast(measure_id as string) as measure_id,
    cast(measure_name as string) as measure_name,
    cast(domain as string) as domain,
    cast(unit as string) as unit,
    cast(multiplier as double) as multiplier,
    cast(direction as string) as direction,
    cast(default_target as double) as default_target,
    cast(chart_type as string) as chart_type,
    cast(organisation_chart_type as string) as organisation_chart_type,
    cast(event_chart_type as string) as event_chart_type,
    cast(frequency as string) as frequency,
    cast(breakdowns as string) as breakdowns,
    cast(suppression as string) as suppression,
    cast(description as string) as description
from {{ ref('measure_catalogue') }}
