{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='attempt_id',
        on_schema_change='fail'
    )
}}
-- One row per payment attempt (successful or failed). Attempts never change once made, so
-- the mart grows incrementally on _loaded_at; attempt_number is recomputed for the orders
-- touched by the new attempts.
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

{% if is_incremental() %}
touched_orders as (
    select distinct order_id
    from attempts
    where _loaded_at > (select max(loaded_at) from {{ this }})
),
{% endif %}

numbered as (
    select
        attempts.*,
        row_number() over (
            partition by attempts.order_id order by attempts.attempted_at, attempts.attempt_id
        ) as attempt_number
    from attempts
    {% if is_incremental() %}
    inner join touched_orders on attempts.order_id = touched_orders.order_id
    {% endif %}
)

select
    cast(numbered.attempt_id as varchar) as attempt_id,
    cast(numbered.order_id as varchar) as order_id,
    cast(numbered.platform_code as varchar) as platform,
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
