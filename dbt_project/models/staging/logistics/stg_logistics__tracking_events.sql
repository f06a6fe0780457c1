with

source as (
    select * from {{ source('logistics', 'logistics_events') }}
),

renamed as (
    select
        trim(event_id) as tracking_event_id,
        trim(order_id) as order_id,
        {{ normalize_platform('platform') }} as platform_code,
        trim(carrier) as carrier,
        trim(region) as region,
        lower(event_type) as event_type,
        promised_at,
        event_at,
        {{ to_local('promised_at') }} as promised_at_local,
        {{ to_local('event_at') }} as event_at_local,
        _loaded_at,
        _dt,
        _source_file,
        _line
    from source
),

deduped as (
    {{ dedupe('renamed', ['tracking_event_id']) }}
)

select
    tracking_event_id,
    order_id,
    platform_code,
    carrier,
    region,
    event_type,
    promised_at,
    event_at,
    promised_at_local,
    event_at_local,
    _loaded_at
from deduped
