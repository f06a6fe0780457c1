with

source as (
    select * from {{ source('social', 'social_mentions') }}
),

renamed as (
    select
        trim(mention_id) as mention_id,
        lower(trim(site)) as site,
        trim(author_handle) as author_handle,
        text as mention_text,
        cast(reach as bigint) as reach,
        nullif(trim(product_id), '') as product_id,
        {{ normalize_platform('mentioned_platform') }} as mentioned_platform_code,
        posted_at,
        {{ to_local('posted_at') }} as posted_at_local,
        _loaded_at,
        _dt,
        _source_file,
        _line
    from source
),

deduped as (
    {{ dedupe('renamed', ['mention_id']) }}
)

select
    mention_id,
    site,
    author_handle,
    mention_text,
    reach,
    product_id,
    mentioned_platform_code,
    posted_at,
    posted_at_local,
    _loaded_at
from deduped
