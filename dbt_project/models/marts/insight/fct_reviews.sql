-- One row per product review, with or without text (fct_interactions holds only reviews that
-- carry text, so stars are averaged from here). Local dates and weeks in the business time
-- zone (var timezone); weeks start on Monday.
with

reviews as (
    select * from {{ ref('stg_reviews__reviews') }}
),

accounts as (
    select account_id, customer_key from {{ ref('int_customer_accounts_resolved') }}
),

products as (
    select product_id, category from {{ ref('dim_product') }}
)

select
    cast(reviews.review_id as varchar) as review_id,
    cast(reviews.platform_code as varchar) as platform,
    cast({{ is_known_platform('reviews.platform_code') }} as boolean) as is_known_platform,
    cast(accounts.customer_key as varchar) as customer_key,
    cast(reviews.order_id as varchar) as order_id,
    cast(reviews.product_id as varchar) as product_id,
    cast(coalesce(products.category, 'unknown') as varchar) as product_category,
    cast(reviews.stars as integer) as stars,
    cast(reviews.review_text is not null as boolean) as has_text,
    cast(reviews.created_at as {{ dbt.type_timestamp() }}) as created_at,
    cast(reviews.created_at_local as {{ dbt.type_timestamp() }}) as created_at_local,
    cast(reviews.created_at_local as date) as created_date,
    {{ week_start('reviews.created_at_local') }} as created_week
from reviews
left join accounts on reviews.account_id = accounts.account_id
left join products on reviews.product_id = products.product_id
