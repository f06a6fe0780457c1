-- One row per resolved customer (customer_key): how the identity was resolved, the
-- platforms the person uses and their touchpoint history across channels.
with

accounts as (
    select * from {{ ref('int_customer_accounts_resolved') }}
),

touchpoints as (
    select * from {{ ref('int_customer_touchpoints_unioned') }}
    where customer_key is not null
),

per_customer as (
    select
        customer_key,
        max(resolution_method) as resolution_method,
        count(*) as account_count,
        count(distinct platform_code) as platform_count,
        {{ dbt.listagg('platform_code', "','", 'order by platform_code') }} as platforms,
        min(registered_at) as first_registered_at
    from accounts
    group by customer_key
),

activity as (
    select
        customer_key,
        min(occurred_at) as first_touch_at,
        max(occurred_at) as last_touch_at,
        count(*) as touchpoint_count,
        sum(case when touchpoint_type = 'order' then 1 else 0 end) as order_count,
        sum(case when touchpoint_type = 'cs_session' then 1 else 0 end) as cs_session_count,
        sum(case when touchpoint_type = 'review' then 1 else 0 end) as review_count,
        sum(case when touchpoint_type = 'nps_response' then 1 else 0 end) as nps_response_count
    from touchpoints
    group by customer_key
)

select
    cast(per_customer.customer_key as varchar) as customer_key,
    cast(per_customer.resolution_method as varchar) as resolution_method,
    cast(per_customer.account_count as integer) as account_count,
    cast(per_customer.platform_count as integer) as platform_count,
    cast(per_customer.platforms as varchar) as platforms,
    cast(per_customer.first_registered_at as {{ dbt.type_timestamp() }}) as first_registered_at,
    cast(activity.first_touch_at as {{ dbt.type_timestamp() }}) as first_touch_at,
    cast(activity.last_touch_at as {{ dbt.type_timestamp() }}) as last_touch_at,
    cast(coalesce(activity.touchpoint_count, 0) as integer) as touchpoint_count,
    cast(coalesce(activity.order_count, 0) as integer) as order_count,
    cast(coalesce(activity.cs_session_count, 0) as integer) as cs_session_count,
    cast(coalesce(activity.review_count, 0) as integer) as review_count,
    cast(coalesce(activity.nps_response_count, 0) as integer) as nps_response_count
from per_customer
left join activity on per_customer.customer_key = activity.customer_key
