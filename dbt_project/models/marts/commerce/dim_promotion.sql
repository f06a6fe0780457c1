-- One row per promotion (latest export): the promotion calendar. Local start and end times
-- let day-level analyses (e.g. the risk-alert detector) tell promotion days from ordinary ones.
select
    cast(promotion_id as varchar) as promotion_id,
    cast(promotion_name as varchar) as promotion_name,
    cast(promotion_name_en as varchar) as promotion_name_en,
    cast(platform_code as varchar) as platform,
    cast(coupon_code as varchar) as coupon_code,
    cast(starts_at_local as {{ dbt.type_timestamp() }}) as starts_at_local,
    cast(ends_at_local as {{ dbt.type_timestamp() }}) as ends_at_local,
    cast(starts_at_local as date) as start_date,
    cast(ends_at_local as date) as end_date
from {{ ref('stg_commerce__promotions') }}
