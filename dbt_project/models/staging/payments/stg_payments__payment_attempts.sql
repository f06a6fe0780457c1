with

source as (
    select * from {{ source('payments', 'payment_attempts') }}
),

renamed as (
    select
        trim(attempt_id) as attempt_id,
        trim(order_id) as order_id,
        {{ normalize_platform('platform') }} as platform_code,
        lower(trim(method)) as payment_method,
        cast(amount as {{ dbt.type_numeric() }}) as amount,
        lower(status) as attempt_status,
        nullif(trim(failure_code), '') as failure_code,
        attempted_at,
        {{ to_local('attempted_at') }} as attempted_at_local,
        _loaded_at,
        _dt,
        _source_file,
        _line
    from source
),

deduped as (
    {{ dedupe('renamed', ['attempt_id']) }}
)

select
    attempt_id,
    order_id,
    platform_code,
    payment_method,
    amount,
    attempt_status,
    attempt_status = 'success' as is_success,
    failure_code,
    attempted_at,
    attempted_at_local,
    _loaded_at
from deduped
