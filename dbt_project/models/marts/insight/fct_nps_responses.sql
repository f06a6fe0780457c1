-- One row per NPS survey answer, with or without a verbatim (fct_interactions holds only the
-- answers that carry text, so NPS is computed from here). Local dates and weeks are in the
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
    cast(responses.submitted_at as {{ dbt.type_timestamp() }}) as submitted_at,
    cast(responses.submitted_at_local as {{ dbt.type_timestamp() }}) as submitted_at_local,
    cast(responses.submitted_at_local as date) as submitted_date,
    {{ week_start('responses.submitted_at_local') }} as submitted_week
from responses
left join accounts on responses.account_id = accounts.account_id
left join products on responses.product_id = products.product_id
