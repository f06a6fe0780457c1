{{ config(tags=['insight']) }}
-- The follow-up list for "ordered but not paid" (grain: order_id), most valuable first:
-- priority = order value x recoverability of the order's primary reason. Recoverability is the
-- share of that reason's settled unpaid orders (placed at least var('unpaid_settled_days') before
-- the last order in the data) that were paid later; with fewer than var('unpaid_min_history')
-- settled orders the reason borrows the rate over all reasons. The list holds orders placed in
-- the last var('unpaid_followup_days') days that are not paid and not cancelled, whose customer
-- has not talked to a human agent in the last var('unpaid_contact_cooldown_days') days (already
-- contacted) and has not paid a later order of the same product (already bought). Exported as
-- CSV by `xe insight unpaid` (data/exports/unpaid_recovery_list.csv).
with

reasons as (
    select * from {{ ref('fct_unpaid_order_reasons') }} where is_primary
),

orders as (
    select * from {{ ref('fct_unpaid_orders') }}
),

as_of as (
    select max(created_at) as last_order_at from {{ ref('fct_orders') }}
),

settled as (
    select reasons.reason, reasons.is_recovered
    from reasons
    inner join orders on reasons.order_id = orders.order_id
    cross join as_of
    where orders.created_at <= cast({{ dbt.dateadd('day', -1 * var('unpaid_settled_days'), 'as_of.last_order_at') }}
        as {{ dbt.type_timestamp() }})
),

overall as (
    select avg(case when is_recovered then 1.0 else 0.0 end) as rate from settled
),

by_reason as (
    select
        reason,
        count(*) as settled_orders,
        avg(case when is_recovered then 1.0 else 0.0 end) as rate
    from settled
    group by reason
),

contacted as (
    select distinct sessions.customer_key
    from {{ ref('fct_service_sessions') }} as sessions
    cross join as_of
    where sessions.agent_type = 'human'
        and sessions.customer_key is not null
        and sessions.started_at >= cast({{ dbt.dateadd('day', -1 * var('unpaid_contact_cooldown_days'), 'as_of.last_order_at') }}
            as {{ dbt.type_timestamp() }})
),

bought_later as (
    select distinct orders.order_id
    from orders
    inner join {{ ref('fct_orders') }} as later
        on later.customer_key = orders.customer_key
        and later.product_id = orders.product_id
        and later.created_at > orders.created_at
        and later.is_paid
),

candidates as (
    select
        orders.*,
        reasons.reason,
        reasons.reason_name_zh,
        reasons.reason_name_en,
        reasons.confidence,
        reasons.quote_redacted,
        reasons.attempt_ids,
        coalesce(
            case when by_reason.settled_orders >= {{ var('unpaid_min_history') }} then by_reason.rate end,
            overall.rate
        ) as recoverability
    from orders
    inner join reasons on orders.order_id = reasons.order_id
    cross join as_of
    cross join overall
    left join by_reason on reasons.reason = by_reason.reason
    where not orders.is_recovered
        and orders.order_status <> 'cancelled'
        and orders.created_at >= cast({{ dbt.dateadd('day', -1 * var('unpaid_followup_days'), 'as_of.last_order_at') }}
            as {{ dbt.type_timestamp() }})
        and (orders.customer_key is null or orders.customer_key not in (select customer_key from contacted))
        and orders.order_id not in (select order_id from bought_later)
)

select
    cast(row_number() over (
        order by candidates.order_value * candidates.recoverability desc, candidates.created_at desc, candidates.order_id
    ) as integer) as priority_rank,
    cast(candidates.order_id as varchar) as order_id,
    cast(candidates.customer_key as varchar) as customer_key,
    cast(candidates.platform as varchar) as platform,
    cast(candidates.product_id as varchar) as product_id,
    cast(candidates.promotion_id as varchar) as promotion_id,
    cast(candidates.order_value as numeric(18, 2)) as order_value,
    cast(candidates.order_status as varchar) as order_status,
    cast(candidates.created_at_local as {{ dbt.type_timestamp() }}) as created_at_local,
    cast(candidates.reason as varchar) as reason,
    cast(candidates.reason_name_zh as varchar) as reason_name_zh,
    cast(candidates.reason_name_en as varchar) as reason_name_en,
    cast(candidates.confidence as {{ type_double() }}) as reason_confidence,
    cast(candidates.recoverability as {{ type_double() }}) as recoverability,
    cast(candidates.order_value * candidates.recoverability as numeric(18, 2)) as expected_recovered_value,
    cast(names.follow_up as varchar) as follow_up,
    cast(names.suggested_action_zh as varchar) as suggested_action_zh,
    cast(names.suggested_action_en as varchar) as suggested_action_en,
    cast(candidates.quote_redacted as varchar) as quote_redacted,
    cast(candidates.attempt_ids as varchar) as attempt_ids
from candidates
left join {{ ref('unpaid_reasons') }} as names on candidates.reason = names.reason
