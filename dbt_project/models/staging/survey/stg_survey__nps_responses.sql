with

source as (
    select * from {{ source('survey', 'nps_responses') }}
),

renamed as (
    select
        trim(response_id) as response_id,
        {{ normalize_platform('platform') }} as platform_code,
        trim(platform_user_id) as platform_user_id,
        nullif(trim(order_id), '') as order_id,
        nullif(trim(product_id), '') as product_id,
        cast(score as integer) as nps_score,
        nullif(trim(verbatim), '') as verbatim,
        submitted_at,
        {{ to_local('submitted_at') }} as submitted_at_local,
        _loaded_at,
        _dt,
        _source_file,
        _line
    from source
),

deduped as (
    {{ dedupe('renamed', ['response_id']) }}
)

select
    response_id,
    platform_code,
    platform_user_id,
    platform_code || ':' || platform_user_id as account_id,
    order_id,
    product_id,
    nps_score,
    case
        when nps_score >= 9 then 'promoter'
        when nps_score >= 7 then 'passive'
        else 'detractor'
    end as nps_category,
    verbatim,
    submitted_at,
    submitted_at_local,
    _loaded_at
from deduped
