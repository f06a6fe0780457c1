{{ config(tags=['insight']) }}
-- "See where the problem is": per promotion and week (grain: created_week, promotion_key), the
-- unpaid rate against the store's baseline (all orders of the four weeks before), the mix of
-- primary reasons, the top reason and how its share moved since the promotion's previous week.
-- promotion_key is the promotion id, or 'none' for orders without a promotion.
with

orders as (
    select
        order_id,
        coalesce(promotion_id, 'none') as promotion_key,
        {{ week_start('created_at_local') }} as created_week
    from {{ ref('fct_orders') }}
),

unpaid as (
    select order_id from {{ ref('fct_unpaid_orders') }}
),

primary_reasons as (
    select order_id, reason from {{ ref('fct_unpaid_order_reasons') }} where is_primary
),

weekly as (
    select
        orders.created_week,
        orders.promotion_key,
        count(*) as orders,
        count(unpaid.order_id) as unpaid_orders
    from orders
    left join unpaid on orders.order_id = unpaid.order_id
    group by orders.created_week, orders.promotion_key
),

store_weekly as (
    select created_week, sum(orders) as orders, sum(unpaid_orders) as unpaid_orders
    from weekly
    group by created_week
),

baseline as (
    select
        this_week.created_week,
        sum(earlier.unpaid_orders) * 1.0 / nullif(sum(earlier.orders), 0) as baseline_unpaid_rate
    from store_weekly as this_week
    inner join store_weekly as earlier
        on earlier.created_week < this_week.created_week
        and earlier.created_week >= cast({{ dbt.dateadd('day', -28, 'this_week.created_week') }} as date)
    group by this_week.created_week
),

reason_counts as (
    select
        orders.created_week,
        orders.promotion_key,
        primary_reasons.reason,
        count(*) as reason_orders
    from primary_reasons
    inner join orders on primary_reasons.order_id = orders.order_id
    group by orders.created_week, orders.promotion_key, primary_reasons.reason
),

reason_shares as (
    select
        reason_counts.*,
        reason_counts.reason_orders * 1.0 / weekly.unpaid_orders as reason_share,
        row_number() over (
            partition by reason_counts.created_week, reason_counts.promotion_key
            order by reason_counts.reason_orders desc, reason_counts.reason
        ) as reason_rank
    from reason_counts
    inner join weekly
        on reason_counts.created_week = weekly.created_week
        and reason_counts.promotion_key = weekly.promotion_key
),

mix as (
    select
        created_week,
        promotion_key,
        {{ dbt.listagg(
            "reason || ' ' || cast(cast(round(cast(100 * reason_share as numeric), 0) as integer) as varchar) || '%'",
            "', '", 'order by reason_rank') }} as reasons_mix
    from reason_shares
    group by created_week, promotion_key
),

top_reason as (
    select * from reason_shares where reason_rank = 1
),

previous as (
    select
        top_reason.created_week,
        top_reason.promotion_key,
        max(earlier.created_week) as previous_week
    from top_reason
    inner join weekly as earlier
        on earlier.promotion_key = top_reason.promotion_key
        and earlier.created_week < top_reason.created_week
        and earlier.unpaid_orders > 0
    group by top_reason.created_week, top_reason.promotion_key
)

select
    cast(weekly.created_week as date) as created_week,
    cast(weekly.promotion_key as varchar) as promotion_key,
    cast(promotions.promotion_name as varchar) as promotion_name,
    cast(promotions.promotion_name_en as varchar) as promotion_name_en,
    cast(weekly.orders as integer) as orders,
    cast(weekly.unpaid_orders as integer) as unpaid_orders,
    cast(weekly.unpaid_orders * 1.0 / weekly.orders as {{ type_double() }}) as unpaid_rate,
    cast(baseline.baseline_unpaid_rate as {{ type_double() }}) as baseline_unpaid_rate,
    cast((weekly.unpaid_orders * 1.0 / weekly.orders) / nullif(baseline.baseline_unpaid_rate, 0)
        as {{ type_double() }}) as unpaid_rate_vs_baseline,
    cast(mix.reasons_mix as varchar) as reasons_mix,
    cast(top_reason.reason as varchar) as top_reason,
    cast(top_reason.reason_share as {{ type_double() }}) as top_reason_share,
    cast(previous.previous_week as date) as previous_week,
    cast(coalesce(previous_share.reason_share, case when previous.previous_week is not null then 0 end)
        as {{ type_double() }}) as top_reason_previous_share,
    cast(top_reason.reason_share
        - coalesce(previous_share.reason_share, case when previous.previous_week is not null then 0 end)
        as {{ type_double() }}) as top_reason_share_change
from weekly
left join baseline on weekly.created_week = baseline.created_week
left join mix on weekly.created_week = mix.created_week and weekly.promotion_key = mix.promotion_key
left join top_reason
    on weekly.created_week = top_reason.created_week and weekly.promotion_key = top_reason.promotion_key
left join previous
    on weekly.created_week = previous.created_week and weekly.promotion_key = previous.promotion_key
left join reason_shares as previous_share
    on previous_share.created_week = previous.previous_week
    and previous_share.promotion_key = previous.promotion_key
    and previous_share.reason = top_reason.reason
left join {{ ref('dim_promotion') }} as promotions on weekly.promotion_key = promotions.promotion_id
