with

source as (
    select * from {{ source('commerce', 'customer_accounts') }}
),

renamed as (
    select
        {{ normalize_platform('platform') }} as platform_code,
        trim(platform_user_id) as platform_user_id,
        nullif(lower(trim(phone_hash)), '') as phone_hash,
        nullif(trim(nickname), '') as nickname,
        registered_at,
        {{ to_local('registered_at') }} as registered_at_local,
        _loaded_at,
        _dt,
        _source_file,
        _line
    from source
),

deduped as (
    {{ dedupe('renamed', ['platform_code', 'platform_user_id']) }}
)

select
    platform_code || ':' || platform_user_id as account_id,
    platform_code,
    platform_user_id,
    phone_hash,
    phone_hash is not null as has_phone,
    nickname,
    registered_at,
    registered_at_local,
    _loaded_at
from deduped
