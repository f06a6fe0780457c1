with

source as (
    select * from {{ source('commerce', 'products') }}
),

renamed as (
    select
        trim(product_id) as product_id,
        trim(product_name) as product_name,
        nullif(trim(product_name_en), '') as product_name_en,
        lower(trim(category)) as category,
        launched_on,
        cast(list_price as {{ dbt.type_numeric() }}) as list_price,
        updated_at,
        _loaded_at,
        _dt,
        _source_file,
        _line
    from source
),

-- the catalogue is a snapshot: the latest update of a product wins
deduped as (
    {{ dedupe('renamed', ['product_id'], latest_first='updated_at desc') }}
)

select
    product_id,
    product_name,
    product_name_en,
    category,
    launched_on,
    list_price,
    updated_at,
    _loaded_at
from deduped
