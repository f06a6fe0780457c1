-- Identity resolution: one row per platform account with the customer_key of the person.
-- Accounts that share a phone_hash (on any platform) are one customer; an account without a
-- phone hash is a customer of its own. The key is a hash of the matching evidence, not a
-- sequence, so it never changes when new accounts arrive and incremental marts stay stable.
with

accounts as (
    select * from {{ ref('stg_commerce__customer_accounts') }}
),

resolved as (
    select
        account_id,
        platform_code,
        platform_user_id,
        phone_hash,
        has_phone,
        case
            when has_phone then 'phone_hash'
            else 'single_account'
        end as resolution_method,
        case
            when has_phone then {{ dbt.hash("'phone:' || phone_hash") }}
            else {{ dbt.hash("'account:' || account_id") }}
        end as customer_key,
        registered_at,
        registered_at_local,
        _loaded_at
    from accounts
)

select
    account_id,
    customer_key,
    resolution_method,
    platform_code,
    platform_user_id,
    phone_hash,
    has_phone,
    count(*) over (partition by customer_key) as accounts_per_customer,
    registered_at,
    registered_at_local,
    _loaded_at
from resolved
