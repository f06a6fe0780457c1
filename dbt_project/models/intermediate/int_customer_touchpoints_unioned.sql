-- Unified customer touchpoints across channels, one row per touchpoint (an order, a payment
-- attempt, a service session, a review, an NPS answer) with the resolved customer_key.
-- Social mentions are not linked to accounts and are not touchpoints of a known customer.
with

accounts as (
    select * from {{ ref('int_customer_accounts_resolved') }}
),

orders as (
    select order_id, account_id, platform_code, created_at from {{ ref('stg_commerce__orders') }}
),

touchpoints as (
    select
        'order' as touchpoint_type, order_id as touchpoint_id, account_id, platform_code,
        created_at as occurred_at
    from orders

    union all

    select
        'payment_attempt', attempts.attempt_id, orders.account_id, attempts.platform_code,
        attempts.attempted_at
    from {{ ref('stg_payments__payment_attempts') }} as attempts
    inner join orders on attempts.order_id = orders.order_id

    union all

    select 'cs_session', session_id, account_id, platform_code, started_at
    from {{ ref('stg_customer_service__sessions') }}

    union all

    select 'review', review_id, account_id, platform_code, created_at
    from {{ ref('stg_reviews__reviews') }}

    union all

    select 'nps_response', response_id, account_id, platform_code, submitted_at
    from {{ ref('stg_survey__nps_responses') }}
)

select
    touchpoints.touchpoint_type || ':' || touchpoints.touchpoint_id as touchpoint_key,
    touchpoints.touchpoint_type,
    touchpoints.touchpoint_id,
    touchpoints.account_id,
    accounts.customer_key,
    touchpoints.platform_code,
    touchpoints.occurred_at
from touchpoints
left join accounts on touchpoints.account_id = accounts.account_id
