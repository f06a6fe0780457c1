-- One row per shipped order (an order with at least one carrier tracking event): carrier,
-- region, promised vs actual delivery and the delay. A table: tracking events keep
-- arriving for open shipments.
with

lifecycle as (
    select * from {{ ref('int_orders_lifecycle_joined') }}
    where tracking_event_count > 0
)

select
    cast(order_id as varchar) as shipment_id,
    cast(order_id as varchar) as order_id,
    cast(platform_code as varchar) as platform,
    cast({{ is_known_platform('platform_code') }} as boolean) as is_known_platform,
    cast(carrier as varchar) as carrier,
    cast(region as varchar) as region,
    cast(shipped_at as {{ dbt.type_timestamp() }}) as shipped_at,
    cast(promised_at as {{ dbt.type_timestamp() }}) as promised_at,
    cast(delivered_at as {{ dbt.type_timestamp() }}) as delivered_at,
    cast({{ to_local('promised_at') }} as {{ dbt.type_timestamp() }}) as promised_at_local,
    cast({{ to_local('delivered_at') }} as {{ dbt.type_timestamp() }}) as delivered_at_local,
    cast(cast({{ to_local('coalesce(shipped_at, promised_at)') }} as date) as date) as shipped_date,
    cast(delivered_at is not null as boolean) as is_delivered,
    cast(has_exception as boolean) as has_exception,
    cast(last_event_type as varchar) as last_event_type,
    -- positive = late; null until delivered
    cast(
        {{ seconds_between('promised_at', 'delivered_at') }} / 3600.0 as {{ type_double() }}
    ) as delivery_delay_hours,
    cast(delivered_at > promised_at as boolean) as is_late,
    cast({{ seconds_between('shipped_at', 'delivered_at') }} / 3600.0 as {{ type_double() }})
        as transit_hours
from lifecycle
