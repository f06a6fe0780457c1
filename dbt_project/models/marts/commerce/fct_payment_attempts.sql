-- One row per payment attempt (successful or failed), numbered within its order. A table,
-- not incremental: a re-exported day can remove or correct attempts, and attempt_number
-- depends on every attempt of the order; the whole mart is recomputed in well under a second
-- on the demo (docs/warehouse.md), so incrementality bought nothing worth a stale row.
with

attempts as (
    select * from {{ ref('stg_payments__payment_attempts') }}
),

orders as (
    select order_id, account_id from {{ ref('stg_commerce__orders') }}
),

accounts as (
    select account_id, customer_key from {{ ref('int_customer_accounts_resolved') }}
),

numbered as (
    select
        attempts.*,
        row_number() over (
            partition by attempts.order_id order by attempts.attempted_at, attempts.attempt_id
        ) as attempt_number
    from attempts
)

select
    cast(numbered.attempt_id as varchar) as attempt_id,
    cast(numbered.order_id as varchar) as order_id,
    cast(numbered.platform_code as varchar) as platform,
    cast({{ is_known_platform('numbered.platform_code') }} as boolean) as is_known_platform,
    cast(accounts.customer_key as varchar) as customer_key,
    cast(numbered.payment_method as varchar) as payment_method,
    cast(numbered.amount as numeric(18, 2)) as amount,
    cast(numbered.attempt_status as varchar) as attempt_status,
    cast(numbered.is_success as boolean) as is_success,
    cast(numbered.failure_code as varchar) as failure_code,
    cast(numbered.attempt_number as integer) as attempt_number,
    cast(numbered.attempted_at as {{ dbt.type_timestamp() }}) as attempted_at,
    cast(numbered.attempted_at_local as {{ dbt.type_timestamp() }}) as attempted_at_local,
    cast(numbered.attempted_at_local as date) as attempted_date,
    cast(numbered._loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
from numbered
left join orders on numbered.order_id = orders.order_id
left join accounts on orders.account_id = accounts.account_id
