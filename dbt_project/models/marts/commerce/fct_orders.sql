-- One row per order with its payment and delivery lifecycle. A table, not incremental: an
-- order's status, payment and delivery keep changing after it is created, and the whole
-- lifecycle is recomputed in seconds.
with

lifecycle as (
    select * from {{ ref('int_orders_lifecycle_joined') }}
),

accounts as (
    select account_id, customer_key from {{ ref('int_customer_accounts_resolved') }}
)

select
    cast(lifecycle.order_id as varchar) as order_id,
    cast(lifecycle.platform_code as varchar) as platform,
    cast({{ is_known_platform('lifecycle.platform_code') }} as boolean) as is_known_platform,
    cast(accounts.customer_key as varchar) as customer_key,
    cast(lifecycle.product_id as varchar) as product_id,
    cast(lifecycle.promotion_id as varchar) as promotion_id,
    cast(lifecycle.coupon_code as varchar) as coupon_code,
    cast(lifecycle.quantity as integer) as quantity,
    cast(lifecycle.unit_price as numeric(18, 2)) as unit_price,
    cast(lifecycle.amount as numeric(18, 2)) as amount,
    cast(lifecycle.order_status as varchar) as order_status,
    cast(lifecycle.lifecycle_stage as varchar) as lifecycle_stage,
    cast(lifecycle.is_paid as boolean) as is_paid,
    cast(lifecycle.created_at as {{ dbt.type_timestamp() }}) as created_at,
    cast(lifecycle.created_at_local as {{ dbt.type_timestamp() }}) as created_at_local,
    cast(lifecycle.created_at_local as date) as created_date,
    cast(lifecycle.paid_at as {{ dbt.type_timestamp() }}) as paid_at,
    cast({{ seconds_between('lifecycle.created_at', 'lifecycle.paid_at') }} as bigint) as seconds_to_pay,
    cast(lifecycle.payment_attempt_count as integer) as payment_attempt_count,
    cast(lifecycle.failed_attempt_count as integer) as failed_attempt_count,
    cast(lifecycle.first_failure_code as varchar) as first_failure_code,
    cast(lifecycle.shipped_at as {{ dbt.type_timestamp() }}) as shipped_at,
    cast(lifecycle.delivered_at as {{ dbt.type_timestamp() }}) as delivered_at,
    cast({{ seconds_between('lifecycle.created_at', 'lifecycle.delivered_at') }} as bigint)
        as seconds_to_deliver
from lifecycle
left join accounts on lifecycle.account_id = accounts.account_id
