-- A data-quality mark per measure and night (README "The Integrated Performance Report"): the six
-- dimensions NHS data-quality kite marks use, each rated pass / warn / fail (or unknown) from what
-- the pipeline already knows, with its evidence in words. One row per measure and night
-- (assessed_on, the run's date; incremental, so earlier nights are kept).
--   timeliness   - the latest delivered period against the catalogue's overdue_days (staleness);
--   completeness - of the last 12 mature organisation-level periods, those with a value, and the
--                  source's rejected files in its last 92 days of extract dates;
--   validity     - the share of the source's delivered rows quarantined in those 92 days;
--   consistency  - the latest result of every check on the source's raw table, its mart and the
--                  scorecard (quality.check_results; the marts' own checks run after dbt, so they
--                  are the previous night's);
--   coverage     - CSUs with a value in the latest mature period, of those with one in the 12
--                  before;
--   audited      - the catalogue's source_audited.
-- overall_rating is the worst of the five the pipeline measures; the audit is shown beside it.
-- depends_on: {{ source('quality', 'check_results') }}
{%- set check_results = adapter.get_relation(database=target.database, schema='quality',
                                             identifier='check_results') if execute else none %}
with as_of as (

    select * from {{ ref('int_measure_as_of') }}

),

scorecard as (

    select measure_id, level, unit_code, period, value, is_provisional, provisional_reason
    from {{ ref('fct_scorecard_monthly') }}

),

latest as (

    select measure_id, max(age_days) as age_days, max(latest_period) as latest_period,
        max(case when is_stale then 1 else 0 end) as is_stale
    from {{ ref('fct_scorecard_latest') }}
    where level = 'organisation'
    group by measure_id

),

mature_periods as (

    select measure_id, period,
        row_number() over (partition by measure_id order by period desc nulls last) as recency
    from (select distinct measure_id, period from scorecard where not is_provisional) as periods

),

recent as (

    select scorecard.*, mature_periods.recency
    from scorecard
    inner join mature_periods
        on scorecard.measure_id = mature_periods.measure_id
        and scorecard.period = mature_periods.period
    where mature_periods.recency <= 13

),

completeness as (

    select measure_id,
        sum(case when value is not null then 1 else 0 end) as periods_valued,
        count(*) as periods
    from recent
    where level = 'organisation' and recency <= 12
    group by measure_id

),

coverage as (

    select measure_id,
        count(distinct case when recency = 1 and value is not null then unit_code end)
            as units_reporting,
        count(distinct case when recency > 1 and value is not null then unit_code end)
            as units_expected,
        max(case when recency = 1 then period end) as period
    from recent
    where level = 'csu'
    group by measure_id

),

window_files as (

    select as_of.measure_id, load_log.status, load_log.rows_in, load_log.rows_quarantined
    from as_of
    inner join {{ ref('stg_ingest__load_log') }} as load_log
        on load_log.extract_name = as_of.source_extract
        and load_log.extract_date > {{ dbt.dateadd('day', -92, 'as_of.source_as_of') }}

),

files as (

    select measure_id,
        sum(case when status = 'loaded' then rows_in else 0 end) as rows_in,
        sum(case when status = 'loaded' then rows_quarantined else 0 end) as rows_quarantined,
        sum(case when status = 'rejected' then 1 else 0 end) as files_rejected
    from window_files
    group by measure_id

),

rule_counts as (

    select as_of.measure_id, quarantine.rule, count(*) as broken
    from as_of
    inner join {{ ref('stg_ingest__quarantine') }} as quarantine
        on quarantine.extract_name = as_of.source_extract
        and quarantine.extract_date > {{ dbt.dateadd('day', -92, 'as_of.source_as_of') }}
    group by as_of.measure_id, quarantine.rule

),

top_rule as (

    select measure_id, rule from (
        select measure_id, rule, row_number() over (
            partition by measure_id order by broken desc, rule asc nulls last) as rank_in_measure
        from rule_counts
    ) as ranked
    where rank_in_measure = 1

),

-- the source's raw table and its mart, and the scorecard every measure is computed into
checked_assets as (

    select measure_id, 'raw/' || source_extract as asset_key from as_of
    union all
    select as_of.measure_id, 'marts/' || marts.mart_name
    from as_of
    inner join (
        values ('incidents', 'fct_incidents'), ('activity', 'fct_activity'),
            ('workforce', 'fct_workforce'), ('fft_responses', 'fct_fft_responses'),
            ('pulse_survey', 'fct_pulse_survey'),
            ('staff_survey_scores', 'fct_staff_survey_scores'),
            ('mandatory_training', 'fct_training_compliance'),
            ('improvement_training', 'fct_improvement_training'),
            ('waste_schemes', 'fct_waste_savings'), ('waste_savings', 'fct_waste_savings')
    ) as marts (extract_name, mart_name)
        on as_of.source_extract = marts.extract_name
    union all
    select measure_id, 'marts/fct_scorecard_monthly' from as_of

),

checks as (

{%- if check_results %}
    select checked_assets.measure_id,
        count(*) as checks,
        sum(case when not latest_results.passed then 1 else 0 end) as checks_failed,
        sum(case when not latest_results.passed and latest_results.severity = 'ERROR'
            then 1 else 0 end) as blocking_failed
    from checked_assets
    inner join (
        select asset_key, passed, severity from (
            select asset_key, passed, severity, row_number() over (
                partition by asset_key, check_source, check_name
                order by checked_at desc nulls last, run_id desc nulls last) as recency
            from {{ source('quality', 'check_results') }}
        ) as ranked
        where recency = 1
    ) as latest_results
        on checked_assets.asset_key = latest_results.asset_key
    group by checked_assets.measure_id
{%- else %}
    select measure_id, cast(0 as bigint) as checks, cast(0 as bigint) as checks_failed,
        cast(0 as bigint) as blocking_failed
    from as_of where 1 = 0
{%- endif %}

),

asset_lists as (

    select measure_id, listagg_text from (
        select measure_id,
            min(asset_key) || case when count(*) > 1 then ' and ' || cast(count(*) - 1 as string)
                || ' more' else '' end as listagg_text
        from checked_assets
        group by measure_id
    ) as listed

),

rated as (

    select
        as_of.measure_id,
        as_of.source_extract,
        as_of.staleness_as_of,
        case when latest.latest_period is null then 'unknown'
            when latest.is_stale = 1 then 'fail' else 'pass' end as timeliness_rating,
        case when latest.latest_period is null
            then 'No delivered period with a value (source ' || as_of.source_extract || ').'
            else 'Latest period ' || cast(latest.latest_period as string) || ' ended '
                || cast(latest.age_days as string) || ' days before the newest extract ('
                || cast(as_of.staleness_as_of as string) || '); overdue after '
                || cast(as_of.overdue_days as string) || ' days.'
        end as timeliness_evidence,
        case when coalesce(completeness.periods, 0) = 0 then 'unknown'
            when completeness.periods_valued < 0.75 * completeness.periods then 'fail'
            when completeness.periods_valued < completeness.periods
                or coalesce(files.files_rejected, 0) > 0 then 'warn'
            else 'pass' end as completeness_rating,
        cast(coalesce(completeness.periods_valued, 0) as string) || ' of '
            || cast(coalesce(completeness.periods, 0) as string)
            || ' recent mature periods have a value; '
            || cast(coalesce(files.files_rejected, 0) as string)
            || ' file(s) rejected in the last 92 days of ' || as_of.source_extract || '.'
            as completeness_evidence,
        case when coalesce(files.rows_in, 0) = 0 then 'unknown'
            when files.rows_quarantined >= 0.01 * files.rows_in then 'fail'
            when files.rows_quarantined >= 0.001 * files.rows_in then 'warn'
            else 'pass' end as validity_rating,
        cast(coalesce(files.rows_quarantined, 0) as string) || ' of '
            || cast(coalesce(files.rows_in, 0) as string) || ' rows of ' || as_of.source_extract
            || ' quarantined in the last 92 days ('
            || cast(coalesce(round(cast(100.0 * files.rows_quarantined as double)
                / nullif(files.rows_in, 0), 2), 0) as string) || '%)'
            || case when top_rule.rule is not null
                then '; most often broken: ' || top_rule.rule else '' end || '.'
            as validity_evidence,
        case when coalesce(checks.checks, 0) = 0 then 'unknown'
            when checks.blocking_failed > 0 then 'fail'
            when checks.checks_failed > 0 then 'warn'
            else 'pass' end as consistency_rating,
        cast(coalesce(checks.checks_failed, 0) as string) || ' of '
            || cast(coalesce(checks.checks, 0) as string) || ' checks failing ('
            || cast(coalesce(checks.blocking_failed, 0) as string) || ' blocking) on '
            || asset_lists.listagg_text || ', latest result of each.' as consistency_evidence,
        case when coalesce(coverage.units_expected, 0) = 0 then 'unknown'
            when coverage.units_reporting < 0.8 * coverage.units_expected then 'fail'
            when coverage.units_reporting < 0.95 * coverage.units_expected then 'warn'
            else 'pass' end as coverage_rating,
        cast(coalesce(coverage.units_reporting, 0) as string) || ' of '
            || cast(coalesce(coverage.units_expected, 0) as string)
            || ' CSUs with a value in the 12 periods before have one in '
            || coalesce(cast(coverage.period as string), 'the latest mature period') || '.'
            as coverage_evidence,
        case when as_of.source_audited = 'Y' then 'pass' else 'warn' end as audited_rating,
        case when as_of.source_audited = 'Y'
            then 'Source ' || as_of.source_extract || ' has had an independent data-quality audit.'
            else 'Source ' || as_of.source_extract || ' has not had an independent audit.'
        end as audited_evidence
    from as_of
    left join latest on as_of.measure_id = latest.measure_id
    left join completeness on as_of.measure_id = completeness.measure_id
    left join coverage on as_of.measure_id = coverage.measure_id
    left join files on as_of.measure_id = files.measure_id
    left join top_rule on as_of.measure_id = top_rule.measure_id
    left join checks on as_of.measure_id = checks.measure_id
    left join asset_lists on as_of.measure_id = asset_lists.measure_id

),

ranked_ratings as (

    select
        rated.*,
        {%- set measured = ['timeliness', 'completeness', 'validity', 'consistency', 'coverage'] %}
        greatest(
            {%- for d in measured %}
            case {{ d }}_rating when 'fail' then 3 when 'warn' then 2 when 'unknown' then 1
                else 0 end{{ ',' if not loop.last }}
            {%- endfor %}
        ) as worst,
        (
            {%- for d in measured + ['audited'] %}
            case when {{ d }}_rating = 'pass' then 1 else 0 end{{ ' +' if not loop.last }}
            {%- endfor %}
        ) as dimensions_passed
    from rated

)

select
    cast(measure_id as string) as measure_id,
    cast({{ dbt.current_timestamp() }} as date) as assessed_on,
    cast(staleness_as_of as date) as data_as_of,
    cast(source_extract as string) as source_extract,
    cast(case worst when 3 then 'fail' when 2 then 'warn' when 1 then 'unknown' else 'pass' end
        as string) as overall_rating,
    cast(dimensions_passed as int) as dimensions_passed,
    {%- for d in ['timeliness', 'completeness', 'validity', 'consistency', 'coverage', 'audited'] %}
    cast({{ d }}_rating as string) as {{ d }}_rating,
    cast({{ d }}_evidence as string) as {{ d }}_evidence{{ ',' if not loop.last }}
    {%- endfor %}
from ranked_ratings
