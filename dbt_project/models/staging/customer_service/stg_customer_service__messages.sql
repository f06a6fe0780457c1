with

source as (
    select * from {{ source('customer_service', 'cs_messages') }}
),

renamed as (
    select
        trim(message_id) as message_id,
        trim(session_id) as session_id,
        lower(sender_role) as sender_role,
        text as message_text,
        sent_at,
        {{ to_local('sent_at') }} as sent_at_local,
        _loaded_at,
        _dt,
        _source_file,
        _line
    from source
),

deduped as (
    {{ dedupe('renamed', ['message_id']) }}
)

select
    message_id,
    session_id,
    sender_role,
    sender_role = 'customer' as is_from_customer,
    message_text,
    sent_at,
    sent_at_local,
    _loaded_at
from deduped
