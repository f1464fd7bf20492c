-- Q01-Q07 and D01 from fct_incidents, for every grid row (a month without incidents is 0). The
-- counting rules (one branch a measure) are in macros/incident_measure_counts.sql; the
-- denominator follows the catalogue's denominator_kind: the branch's own count (`counted`),
-- occupied bed days from the activity extract (`bed_days`) or none.
{%- set counts_sql = incident_measure_counts() %}
with frame as (

    {{ measure_frame(counts_sql) }}

),

counts as (

    {{ counts_sql }}

),

organisation as (

    {{ organisation_unit() }}

),

activity_by_csu as (

    select csu_code, activity_month as period, sum(occupied_bed_days) as occupied_bed_days
    from {{ ref('fct_activity') }}
    group by csu_code, activity_month

),

bed_days as (

    {{ with_organisation_rollup('activity_by_csu', ['occupied_bed_days']) }}

)

{%- set denominator -%}
    case frame.denominator_kind
        when 'bed_days' then coalesce(bed_days.occupied_bed_days, 0)
        when 'counted' then coalesce(counts.denominator_count, 0)
    end
{%- endset %}
{{ measure_values_select('counts', 'coalesce(counts.numerator, 0)', denominator) }}
left join bed_days
    on {{ same_unit_period('frame', 'bed_days') }}
