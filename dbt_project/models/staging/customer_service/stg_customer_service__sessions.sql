with

source as (
    select * from {{ source('customer_service', 'cs_sessions') }}
),

renamed as (
    select
        trim(session_id) as session_id,
        {{ normalize_platform('platform') }} as platform_code,
        trim(platform_user_id) as platform_user_id,
        nullif(trim(order_id), '') as order_id,
        lower(agent_type) as agent_type,
        trim(agent_id) as agent_id,
        is_resolved,
        is_transferred,
        cast(satisfaction_score as integer) as satisfaction_score,
        started_at,
        ended_at,
        {{ to_local('started_at') }} as started_at_local,
        {{ to_local('ended_at') }} as ended_at_local,
        _loaded_at,
        _dt,
        _source_file,
        _line
    from source
),

deduped as (
    {{ dedupe('renamed', ['session_id']) }}
)

select
    session_id,
    platform_code,
    platform_user_id,
    platform_code || ':' || platform_user_id as account_id,
    order_id,
    agent_type,
    agent_id,
    is_resolved,
    is_transferred,
    satisfaction_score,
    started_at,
    ended_at,
    started_at_local,
    ended_at_local,
    _loaded_at
from deduped
