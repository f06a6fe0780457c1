-- One row per product (latest catalogue snapshot).
select
    cast(product_id as varchar) as product_id,
    cast(product_name as varchar) as product_name,
    cast(product_name_en as varchar) as product_name_en,
    cast(category as varchar) as category,
    cast(launched_on as date) as launched_on,
    cast(list_price as numeric(18, 2)) as list_price,
    cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at
from {{ ref('stg_commerce__products') }}
