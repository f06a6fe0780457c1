with

source as (
    select * from {{ source('commerce', 'orders') }}
),

renamed as (
    select
        trim(order_id) as order_id,
        {{ normalize_platform('platform') }} as platform_code,
        trim(platform_user_id) as platform_user_id,
        trim(product_id) as product_id,
        cast(quantity as integer) as quantity,
        cast(unit_price as {{ dbt.type_numeric() }}) as unit_price,
        cast(amount as {{ dbt.type_numeric() }}) as amount,
        nullif(trim(promotion_id), '') as promotion_id,
        nullif(trim(coupon_code), '') as coupon_code,
        lower(status) as order_status,
        created_at,
        {{ to_local('created_at') }} as created_at_local,
        _loaded_at,
        _dt,
        _source_file,
        _line
    from source
),

deduped as (
    {{ dedupe('renamed', ['order_id']) }}
)

select
    order_id,
    platform_code,
    platform_user_id,
    platform_code || ':' || platform_user_id as account_id,
    product_id,
    quantity,
    unit_price,
    amount,
    promotion_id,
    coupon_code,
    order_status,
    created_at,
    created_at_local,
    _loaded_at
from deduped
