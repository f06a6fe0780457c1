{{ config(tags=['insight']) }}
-- The unpaid-order marts agree with each other: every unpaid order has exactly one primary
-- reason and every reason row an unpaid order and a known reason code, rates are in [0, 1],
-- the recovery list holds only orders not paid and not cancelled, and recovered GMV never
-- exceeds the unpaid value. Returns the failing rows. (These cross-checks live here, tagged
-- insight, rather than as relationships tests on the insight models: a test with a parent in
-- the main build would run, and fail, in the main build before the insight layer exists.)
with

primaries as (
    select orders.order_id, count(reasons.order_id) as primaries
    from {{ ref('fct_unpaid_orders') }} as orders
    left join {{ ref('fct_unpaid_order_reasons') }} as reasons
        on orders.order_id = reasons.order_id and reasons.is_primary
    group by orders.order_id
)

select 'primary reasons per order' as failed_check, order_id as detail
from primaries
where primaries <> 1

union all

select 'reason row without an unpaid order', reasons.order_id
from {{ ref('fct_unpaid_order_reasons') }} as reasons
left join {{ ref('fct_unpaid_orders') }} as orders on reasons.order_id = orders.order_id
where orders.order_id is null

union all

select 'unknown reason code', reasons.reason
from {{ ref('fct_unpaid_order_reasons') }} as reasons
left join {{ ref('unpaid_reasons') }} as names on reasons.reason = names.reason
where names.reason is null

union all

select 'conversion rate out of [0, 1] or recovered > unpaid', cast(created_week as varchar) || ' ' || reason
from {{ ref('agg_unpaid_recovery_weekly') }}
where conversion_rate < 0 or conversion_rate > 1 or recovered_gmv > unpaid_value

union all

select 'unpaid rate out of [0, 1]', cast(created_week as varchar) || ' ' || promotion_key
from {{ ref('agg_unpaid_diagnosis_weekly') }}
where unpaid_rate < 0 or unpaid_rate > 1 or top_reason_share > 1

union all

select 'recovery list holds a paid or cancelled order', list.order_id
from {{ ref('fct_unpaid_recovery_list') }} as list
inner join {{ ref('fct_unpaid_orders') }} as orders on list.order_id = orders.order_id
where orders.is_recovered or orders.order_status = 'cancelled'
