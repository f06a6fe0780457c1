-- Order -> payment -> logistics lifecycle, one row per order.
with

orders as (
    select * from {{ ref('stg_commerce__orders') }}
),

attempts as (
    select * from {{ ref('stg_payments__payment_attempts') }}
),

tracking as (
    select * from {{ ref('stg_logistics__tracking_events') }}
),

attempts_ranked as (
    select
        *,
        row_number() over (partition by order_id order by attempted_at, attempt_id) as attempt_number,
        row_number() over (partition by order_id order by attempted_at desc, attempt_id desc) as attempt_number_desc
    from attempts
),

payments_per_order as (
    select
        order_id,
        count(*) as payment_attempt_count,
        sum(case when is_success then 0 else 1 end) as failed_attempt_count,
        min(attempted_at) as first_attempt_at,
        min(case when is_success then attempted_at end) as paid_at,
        max(case when attempt_number = 1 then failure_code end) as first_failure_code,
        max(case when attempt_number_desc = 1 then attempt_status end) as last_attempt_status,
        max(_loaded_at) as _loaded_at
    from attempts_ranked
    group by order_id
),

tracking_ranked as (
    select
        *,
        row_number() over (partition by order_id order by event_at, tracking_event_id) as event_number,
        row_number() over (partition by order_id order by event_at desc, tracking_event_id desc) as event_number_desc
    from tracking
),

tracking_per_order as (
    select
        order_id,
        max(case when event_number = 1 then carrier end) as carrier,
        max(case when event_number = 1 then region end) as region,
        max(case when event_number = 1 then promised_at end) as promised_at,
        min(case when event_type = 'shipped' then event_at end) as shipped_at,
        min(case when event_type = 'delivered' then event_at end) as delivered_at,
        max(case when event_type = 'exception' then 1 else 0 end) = 1 as has_exception,
        max(case when event_number_desc = 1 then event_type end) as last_event_type,
        max(event_at) as last_event_at,
        count(*) as tracking_event_count,
        max(_loaded_at) as _loaded_at
    from tracking_ranked
    group by order_id
)

select
    orders.order_id,
    orders.platform_code,
    orders.account_id,
    orders.product_id,
    orders.promotion_id,
    orders.coupon_code,
    orders.quantity,
    orders.unit_price,
    orders.amount,
    orders.order_status,
    orders.created_at,
    orders.created_at_local,
    coalesce(payments_per_order.payment_attempt_count, 0) as payment_attempt_count,
    coalesce(payments_per_order.failed_attempt_count, 0) as failed_attempt_count,
    payments_per_order.first_attempt_at,
    payments_per_order.paid_at,
    payments_per_order.first_failure_code,
    payments_per_order.last_attempt_status,
    (payments_per_order.paid_at is not null or orders.order_status = 'paid') as is_paid,
    tracking_per_order.carrier,
    tracking_per_order.region,
    tracking_per_order.promised_at,
    tracking_per_order.shipped_at,
    tracking_per_order.delivered_at,
    coalesce(tracking_per_order.has_exception, false) as has_exception,
    tracking_per_order.last_event_type,
    tracking_per_order.last_event_at,
    coalesce(tracking_per_order.tracking_event_count, 0) as tracking_event_count,
    case
        when tracking_per_order.delivered_at is not null then 'delivered'
        when tracking_per_order.shipped_at is not null
            or tracking_per_order.tracking_event_count > 0 then 'shipped'
        when payments_per_order.paid_at is not null or orders.order_status = 'paid' then 'paid'
        when orders.order_status in ('cancelled', 'closed') then orders.order_status
        when coalesce(payments_per_order.failed_attempt_count, 0) > 0 then 'payment_failed'
        else 'awaiting_payment'
    end as lifecycle_stage,
    orders._loaded_at
from orders
left join payments_per_order on orders.order_id = payments_per_order.order_id
left join tracking_per_order on orders.order_id = tracking_per_order.order_id
