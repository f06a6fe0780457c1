-- Session aggregates: one row per customer-service session with its message counts and
-- response timings.
with

sessions as (
    select * from {{ ref('stg_customer_service__sessions') }}
),

messages as (
    select * from {{ ref('stg_customer_service__messages') }}
),

first_customer_message as (
    select session_id, min(sent_at) as first_customer_message_at
    from messages
    where is_from_customer
    group by session_id
),

message_stats as (
    select
        messages.session_id,
        count(*) as message_count,
        sum(case when messages.is_from_customer then 1 else 0 end) as customer_message_count,
        sum(case when messages.sender_role = 'bot' then 1 else 0 end) as bot_message_count,
        sum(case when messages.sender_role = 'agent' then 1 else 0 end) as agent_message_count,
        min(first_customer_message.first_customer_message_at) as first_customer_message_at,
        min(
            case
                when not messages.is_from_customer
                    and messages.sent_at >= first_customer_message.first_customer_message_at
                    then messages.sent_at
            end
        ) as first_response_at,
        max(messages.sent_at) as last_message_at
    from messages
    left join first_customer_message on messages.session_id = first_customer_message.session_id
    group by messages.session_id
)

select
    sessions.session_id,
    sessions.platform_code,
    sessions.account_id,
    sessions.order_id,
    sessions.agent_type,
    sessions.agent_id,
    sessions.is_resolved,
    sessions.is_transferred,
    sessions.satisfaction_score,
    sessions.started_at,
    sessions.ended_at,
    sessions.started_at_local,
    coalesce(message_stats.message_count, 0) as message_count,
    coalesce(message_stats.customer_message_count, 0) as customer_message_count,
    coalesce(message_stats.bot_message_count, 0) as bot_message_count,
    coalesce(message_stats.agent_message_count, 0) as agent_message_count,
    message_stats.first_customer_message_at,
    message_stats.first_response_at,
    {{ seconds_between('message_stats.first_customer_message_at', 'message_stats.first_response_at') }}
        as first_response_seconds,
    {{ seconds_between('sessions.started_at', 'sessions.ended_at') }} as handle_time_seconds,
    sessions._loaded_at
from sessions
left join message_stats on sessions.session_id = message_stats.session_id
