-- One row per customer-service session: bot or human, resolved, transferred,
-- first-response and handle time, satisfaction, and the session's primary service element
-- (the most frequent element among its customer messages, ties by taxonomy priority).
with

sessions as (
    select * from {{ ref('int_cs_sessions_aggregated') }}
),

accounts as (
    select account_id, customer_key from {{ ref('int_customer_accounts_resolved') }}
),

elements as (
    select service_element, tie_break_priority from {{ ref('dim_service_element') }}
),

message_elements as (
    select
        interactions.session_id,
        interactions.service_element,
        count(*) as message_count
    from {{ ref('fct_interactions') }} as interactions
    where interactions.interaction_type = 'chat_message'
        and interactions.service_element <> 'other'
    group by interactions.session_id, interactions.service_element
),

primary_element as (
    select session_id, service_element
    from (
        select
            message_elements.session_id,
            message_elements.service_element,
            row_number() over (
                partition by message_elements.session_id
                order by message_elements.message_count desc, elements.tie_break_priority asc
            ) as element_rank
        from message_elements
        inner join elements on message_elements.service_element = elements.service_element
    ) as ranked
    where element_rank = 1
)

select
    cast(sessions.session_id as varchar) as session_id,
    cast(sessions.platform_code as varchar) as platform,
    cast({{ is_known_platform('sessions.platform_code') }} as boolean) as is_known_platform,
    cast(accounts.customer_key as varchar) as customer_key,
    cast(sessions.order_id as varchar) as order_id,
    cast(sessions.agent_type as varchar) as agent_type,
    cast(sessions.agent_type = 'bot' as boolean) as is_bot,
    cast(sessions.is_resolved as boolean) as is_resolved,
    cast(sessions.is_transferred as boolean) as is_transferred,
    cast(sessions.satisfaction_score as integer) as satisfaction_score,
    cast(sessions.started_at as {{ dbt.type_timestamp() }}) as started_at,
    cast(sessions.ended_at as {{ dbt.type_timestamp() }}) as ended_at,
    cast(sessions.started_at_local as {{ dbt.type_timestamp() }}) as started_at_local,
    cast(sessions.started_at_local as date) as started_date,
    cast(sessions.first_response_seconds as bigint) as first_response_seconds,
    cast(sessions.handle_time_seconds as bigint) as handle_time_seconds,
    cast(sessions.message_count as integer) as message_count,
    cast(sessions.customer_message_count as integer) as customer_message_count,
    cast(coalesce(primary_element.service_element, 'other') as varchar) as service_element
from sessions
left join accounts on sessions.account_id = accounts.account_id
left join primary_element on sessions.session_id = primary_element.session_id
