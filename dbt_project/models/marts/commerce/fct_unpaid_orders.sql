-- One row per order not paid within var('unpaid_window_minutes') of being placed ("ordered but
-- not paid"): what was ordered, the promotion and coupon in effect, the payment attempts and their
-- failure codes, whether the customer chatted before or after ordering, and whether the order was
-- paid later (recovered). Orders placed less than the window before the last order in the data
-- are left out: their window has not closed yet. Durations are differences of instants, so they
-- do not depend on the time zone; dates and weeks are in the business time zone.
with

orders as (
    select * from {{ ref('fct_orders') }}
),

attempts as (
    select * from {{ ref('fct_payment_attempts') }}
),

sessions as (
    select session_id, customer_key, order_id, started_at from {{ ref('fct_service_sessions') }}
),

as_of as (
    select max(created_at) as last_order_at from orders
),

unpaid as (
    select orders.*
    from orders
    cross join as_of
    where cast({{ dbt.dateadd('minute', var('unpaid_window_minutes'), 'orders.created_at') }}
            as {{ dbt.type_timestamp() }}) <= as_of.last_order_at
        and (
            orders.paid_at is null
            or orders.paid_at > cast({{ dbt.dateadd('minute', var('unpaid_window_minutes'), 'orders.created_at') }}
                as {{ dbt.type_timestamp() }})
        )
),

failed_attempts as (
    select
        attempts.order_id,
        attempts.attempt_id,
        attempts.failure_code,
        attempts.attempted_at,
        row_number() over (
            partition by attempts.order_id order by attempts.attempted_at desc, attempts.attempt_id desc
        ) as recency
    from attempts
    inner join unpaid on attempts.order_id = unpaid.order_id
    where not attempts.is_success
        and (unpaid.paid_at is null or attempts.attempted_at < unpaid.paid_at)
),

attempts_per_order as (
    select
        order_id,
        count(*) as failed_attempt_count,
        {{ dbt.listagg('failure_code', "'>'", 'order by attempted_at, attempt_id') }} as failure_codes,
        max(case when recency = 1 then failure_code end) as last_failure_code,
        max(case when recency = 1 then attempt_id end) as last_failed_attempt_id
    from failed_attempts
    group by order_id
),

-- a chat is about the order when it names it, or when it is the same person's chat that starts
-- within var('unpaid_chat_before_minutes') before or var('unpaid_chat_after_hours') after the order
-- (and before any payment): pre-sale questions often carry no order id.
chats as (
    select
        unpaid.order_id,
        sessions.session_id,
        sessions.started_at < unpaid.created_at as is_before
    from unpaid
    inner join sessions
        on sessions.order_id = unpaid.order_id
        or (
            sessions.order_id is null
            and sessions.customer_key = unpaid.customer_key
            and sessions.started_at >= cast({{ dbt.dateadd('minute', -1 * var('unpaid_chat_before_minutes'), 'unpaid.created_at') }}
                as {{ dbt.type_timestamp() }})
            and sessions.started_at <= cast({{ dbt.dateadd('hour', var('unpaid_chat_after_hours'), 'unpaid.created_at') }}
                as {{ dbt.type_timestamp() }})
        )
    where unpaid.paid_at is null or sessions.started_at < unpaid.paid_at
),

chats_per_order as (
    select
        order_id,
        count(distinct session_id) as chat_session_count,
        {{ dbt.listagg('session_id', "','", 'order by session_id') }} as chat_session_ids,
        max(case when is_before then 1 else 0 end) = 1 as chatted_before,
        max(case when is_before then 0 else 1 end) = 1 as chatted_after
    from chats
    group by order_id
)

select
    cast(unpaid.order_id as varchar) as order_id,
    cast(unpaid.platform as varchar) as platform,
    cast(unpaid.customer_key as varchar) as customer_key,
    cast(unpaid.product_id as varchar) as product_id,
    cast(unpaid.quantity as integer) as quantity,
    cast(unpaid.amount as numeric(18, 2)) as order_value,
    cast(unpaid.promotion_id as varchar) as promotion_id,
    cast(unpaid.coupon_code as varchar) as coupon_code,
    cast(unpaid.order_status as varchar) as order_status,
    cast(unpaid.created_at as {{ dbt.type_timestamp() }}) as created_at,
    cast(unpaid.created_at_local as {{ dbt.type_timestamp() }}) as created_at_local,
    cast(unpaid.created_date as date) as created_date,
    {{ week_start('unpaid.created_at_local') }} as created_week,
    cast(unpaid.payment_attempt_count as integer) as payment_attempt_count,
    cast(coalesce(attempts_per_order.failed_attempt_count, 0) as integer) as failed_attempt_count,
    cast(attempts_per_order.failure_codes as varchar) as failure_codes,
    cast(attempts_per_order.last_failure_code as varchar) as last_failure_code,
    cast(attempts_per_order.last_failed_attempt_id as varchar) as last_failed_attempt_id,
    cast(coalesce(chats_per_order.chat_session_count, 0) as integer) as chat_session_count,
    cast(chats_per_order.chat_session_ids as varchar) as chat_session_ids,
    cast(coalesce(chats_per_order.chatted_before, false) as boolean) as chatted_before,
    cast(coalesce(chats_per_order.chatted_after, false) as boolean) as chatted_after,
    cast(unpaid.paid_at is not null as boolean) as is_recovered,
    cast(unpaid.paid_at as {{ dbt.type_timestamp() }}) as recovered_at,
    cast({{ seconds_between('unpaid.created_at', 'unpaid.paid_at') }} / 60.0 as double precision)
        as minutes_to_recovery
from unpaid
left join attempts_per_order on unpaid.order_id = attempts_per_order.order_id
left join chats_per_order on unpaid.order_id = chats_per_order.order_id
