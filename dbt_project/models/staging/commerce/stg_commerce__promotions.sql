with

source as (
    select * from {{ source('commerce', 'promotions') }}
),

renamed as (
    select
        trim(promotion_id) as promotion_id,
        trim(promotion_name) as promotion_name,
        nullif(trim(promotion_name_en), '') as promotion_name_en,
        {{ normalize_platform('platform') }} as platform_code,
        nullif(trim(coupon_code), '') as coupon_code,
        starts_at,
        ends_at,
        {{ to_local('starts_at') }} as starts_at_local,
        {{ to_local('ends_at') }} as ends_at_local,
        updated_at,
        _loaded_at,
        _dt,
        _source_file,
        _line
    from source
),

deduped as (
    {{ dedupe('renamed', ['promotion_id'], latest_first='updated_at desc') }}
)

select
    promotion_id,
    promotion_name,
    promotion_name_en,
    platform_code,
    coupon_code,
    starts_at,
    ends_at,
    starts_at_local,
    ends_at_local,
    updated_at,
    _loaded_at
from deduped
