{{ config(tags=['insight']) }}
-- Recovered GMV per week and primary reason (grain: created_week, reason): unpaid orders and
-- their value, the ones paid later (after a retry, a reminder or a follow-up) and the
-- conversion rate. A week's recent orders may still be paid later: read the last week as
-- provisional (is_settled = false until var('unpaid_settled_days') after the week ends).
with

reasons as (
    select * from {{ ref('fct_unpaid_order_reasons') }} where is_primary
),

as_of as (
    select cast(max(created_date) as date) as last_date from {{ ref('fct_orders') }}
)

select
    cast(reasons.created_week as date) as created_week,
    cast(reasons.reason as varchar) as reason,
    cast(max(reasons.reason_name_en) as varchar) as reason_name_en,
    cast(count(*) as integer) as unpaid_orders,
    cast(sum(reasons.order_value) as numeric(18, 2)) as unpaid_value,
    cast(sum(case when reasons.is_recovered then 1 else 0 end) as integer) as recovered_orders,
    cast(coalesce(sum(case when reasons.is_recovered then reasons.order_value end), 0) as numeric(18, 2))
        as recovered_gmv,
    cast(avg(case when reasons.is_recovered then 1.0 else 0.0 end) as {{ type_double() }}) as conversion_rate,
    cast({{ dbt.dateadd('day', 6 + var('unpaid_settled_days'), 'reasons.created_week') }} as date)
        <= max(as_of.last_date) as is_settled
from reasons
cross join as_of
group by reasons.created_week, reasons.reason
