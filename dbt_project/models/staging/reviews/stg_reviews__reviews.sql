with

source as (
    select * from {{ source('reviews', 'reviews') }}
),

renamed as (
    select
        trim(review_id) as review_id,
        {{ normalize_platform('platform') }} as platform_code,
        trim(platform_user_id) as platform_user_id,
        nullif(trim(order_id), '') as order_id,
        trim(product_id) as product_id,
        cast(stars as integer) as stars,
        nullif(trim(text), '') as review_text,
        created_at,
        {{ to_local('created_at') }} as created_at_local,
        _loaded_at,
        _dt,
        _source_file,
        _line
    from source
),

deduped as (
    {{ dedupe('renamed', ['review_id']) }}
)

select
    review_id,
    platform_code,
    platform_user_id,
    platform_code || ':' || platform_user_id as account_id,
    order_id,
    product_id,
    stars,
    review_text,
    created_at,
    created_at_local,
    _loaded_at
from deduped
