-- One row per NPS survey answer, with or without a verbatim (fct_interactions holds only the
-- answers that carry text, so NPS is computed from here), with the touchpoint that preceded
-- it: the customer's latest delivery, service session or review in the
-- var touchpoint_window_days days before the answer ('none' without one). Local dates and weeks are in the
-- business time zone (var timezone); weeks start on Monday.
with

responses as (
    select * from {{ ref('stg_survey__nps_responses') }}
),

accounts as (
    select account_id, customer_key from {{ ref('int_customer_accounts_resolved') }}
),

products as (
    select product_id, category from {{ ref('dim_product') }}
),

resolved as (
    select responses.*, accounts.customer_key
    from responses
    left join accounts on responses.account_id = accounts.account_id
),

{# The customer's touchpoints before the answer, within var touchpoint_window_days: a
   delivery of one of their orders, a service session they opened, a review they wrote. #}
touchpoints as (
    select orders.customer_key, shipments.delivered_at as touched_at, 'delivery' as touchpoint
    from {{ ref('fct_shipments') }} as shipments
    inner join {{ ref('fct_orders') }} as orders on shipments.order_id = orders.order_id
    where shipments.delivered_at is not null and orders.customer_key is not null
    union all
    select customer_key, started_at, 'service_session'
    from {{ ref('fct_service_sessions') }}
    where customer_key is not null
    union all
    select customer_key, created_at, 'review'
    from {{ ref('fct_reviews') }}
    where customer_key is not null
),

latest_touchpoint as (
    select response_id, touchpoint
    from (
        select
            resolved.response_id,
            touchpoints.touchpoint,
            row_number() over (
                partition by resolved.response_id
                order by touchpoints.touched_at desc, touchpoints.touchpoint
            ) as touch_rank
        from resolved
        inner join touchpoints
            on touchpoints.customer_key = resolved.customer_key
            and touchpoints.touched_at <= resolved.submitted_at
            and touchpoints.touched_at
                >= {{ dbt.dateadd('day', -var('touchpoint_window_days'), 'resolved.submitted_at') }}
    ) as ranked
    where touch_rank = 1
)

select
    cast(responses.response_id as varchar) as response_id,
    cast(responses.platform_code as varchar) as platform,
    cast({{ is_known_platform('responses.platform_code') }} as boolean) as is_known_platform,
    cast(accounts.customer_key as varchar) as customer_key,
    cast(responses.order_id as varchar) as order_id,
    cast(responses.product_id as varchar) as product_id,
    cast(coalesce(products.category, 'unknown') as varchar) as product_category,
    cast(responses.nps_score as integer) as nps_score,
    cast(responses.nps_category as varchar) as nps_category,
    cast(responses.verbatim is not null as boolean) as has_verbatim,
    cast(coalesce(latest_touchpoint.touchpoint, 'none') as varchar) as touchpoint,
    cast(responses.submitted_at as {{ dbt.type_timestamp() }}) as submitted_at,
    cast(responses.submitted_at_local as {{ dbt.type_timestamp() }}) as submitted_at_local,
    cast(responses.submitted_at_local as date) as submitted_date,
    {{ week_start('responses.submitted_at_local') }} as submitted_week
from responses
left join accounts on responses.account_id = accounts.account_id
left join products on responses.product_id = products.product_id
left join latest_touchpoint on responses.response_id = latest_touchpoint.response_id
