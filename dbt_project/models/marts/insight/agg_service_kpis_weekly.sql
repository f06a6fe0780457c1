-- Customer-service KPIs per local week x platform (grain: started_week, platform; one row per
-- combination with at least one session), from fct_service_sessions and fct_orders.
--
-- Definitions (also in _insight__models.yml and docs/bi_guide.md):
--   smart_resolution_rate   sessions the bot resolved alone / sessions that entered the bot
--                           (handled by the bot, or transferred from it to a human)
--   transfer_to_human_rate  sessions transferred to a human / sessions that entered the bot
--   first_response_*        seconds from the customer's first message to the first bot or
--                           agent reply (sessions with a reply), p50 and p90
--   handle_time_*           seconds from session start to end, p50 and p90
--   csat_*                  over sessions with a 1-5 rating: share rating 4-5, mean rating
--   repeat_contact_rate     sessions after which the same customer opens another session on
--                           the same service element within 7 days / sessions with a known
--                           customer (a later session may fall in the next week)
--   sessions_per_1000_orders sessions / orders created in the same week and platform * 1000
-- Percentiles are continuous (percentile_cont), the same on DuckDB and PostgreSQL.
with

sessions as (
    select
        *,
        {{ week_start('started_at_local') }} as started_week
    from {{ ref('fct_service_sessions') }}
),

repeats as (
    select
        sessions.session_id,
        max(case when later.session_id is not null then 1 else 0 end) as is_repeated
    from sessions
    left join sessions as later
        on later.customer_key = sessions.customer_key
        and later.service_element = sessions.service_element
        and later.session_id <> sessions.session_id
        and later.started_at > sessions.started_at
        and later.started_at <= {{ dbt.dateadd('day', 7, 'sessions.started_at') }}
    where sessions.customer_key is not null
    group by sessions.session_id
),

orders as (
    select
        {{ week_start('created_at_local') }} as created_week,
        platform,
        count(*) as order_count
    from {{ ref('fct_orders') }}
    group by 1, 2
),

data_range as (
    select min(first_day) as first_day, max(last_day) as last_day
    from (
        select min(started_date) as first_day, max(started_date) as last_day from sessions
        union all
        select min(created_date), max(created_date) from {{ ref('fct_orders') }}
    ) as ranges
),

weekly as (
    select
        sessions.started_week,
        sessions.platform,
        count(*) as session_count,
        {# a session entered the bot when the bot handled it or transferred it to a human #}
        sum(case when sessions.is_bot or sessions.is_transferred then 1 else 0 end) as bot_session_count,
        sum(case when sessions.is_bot and sessions.is_resolved and not sessions.is_transferred then 1 else 0 end)
            as bot_resolved_count,
        sum(case when sessions.is_transferred then 1 else 0 end) as transferred_count,
        percentile_cont(0.5) within group (order by sessions.first_response_seconds) as first_response_p50,
        percentile_cont(0.9) within group (order by sessions.first_response_seconds) as first_response_p90,
        percentile_cont(0.5) within group (order by sessions.handle_time_seconds) as handle_time_p50,
        percentile_cont(0.9) within group (order by sessions.handle_time_seconds) as handle_time_p90,
        count(sessions.satisfaction_score) as csat_responses,
        sum(case when sessions.satisfaction_score >= 4 then 1 else 0 end) as csat_satisfied,
        avg(cast(sessions.satisfaction_score as {{ type_double() }})) as csat_mean,
        count(repeats.session_id) as sessions_with_customer,
        sum(repeats.is_repeated) as repeated_count
    from sessions
    left join repeats on sessions.session_id = repeats.session_id
    group by sessions.started_week, sessions.platform
)

select
    cast(weekly.started_week as date) as started_week,
    cast(weekly.platform as varchar) as platform,
    cast(weekly.session_count as integer) as session_count,
    cast(weekly.bot_session_count as integer) as bot_session_count,
    cast(case when weekly.bot_session_count > 0
        then cast(weekly.bot_resolved_count as {{ type_double() }}) / weekly.bot_session_count end
        as {{ type_double() }}) as smart_resolution_rate,
    cast(case when weekly.bot_session_count > 0
        then cast(weekly.transferred_count as {{ type_double() }}) / weekly.bot_session_count end
        as {{ type_double() }}) as transfer_to_human_rate,
    cast(weekly.first_response_p50 as {{ type_double() }}) as first_response_seconds_p50,
    cast(weekly.first_response_p90 as {{ type_double() }}) as first_response_seconds_p90,
    cast(weekly.handle_time_p50 as {{ type_double() }}) as handle_time_seconds_p50,
    cast(weekly.handle_time_p90 as {{ type_double() }}) as handle_time_seconds_p90,
    cast(weekly.csat_responses as integer) as csat_responses,
    cast(case when weekly.csat_responses > 0
        then cast(weekly.csat_satisfied as {{ type_double() }}) / weekly.csat_responses end
        as {{ type_double() }}) as csat_satisfied_share,
    cast(weekly.csat_mean as {{ type_double() }}) as csat_mean,
    cast(case when weekly.sessions_with_customer > 0
        then cast(weekly.repeated_count as {{ type_double() }}) / weekly.sessions_with_customer end
        as {{ type_double() }}) as repeat_contact_rate,
    cast(orders.order_count as integer) as order_count,
    cast(case when orders.order_count > 0
        then 1000.0 * weekly.session_count / orders.order_count end
        as {{ type_double() }}) as sessions_per_1000_orders,
    cast({{ is_partial_week('weekly.started_week', '(select first_day from data_range)',
                            '(select last_day from data_range)') }} as boolean) as is_partial_week
from weekly
left join orders on orders.created_week = weekly.started_week and orders.platform = weekly.platform
