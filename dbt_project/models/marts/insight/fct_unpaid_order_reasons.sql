{{ config(tags=['insight']) }}
-- Why each unpaid order was not paid: one row per order x reason (grain: order_id, reason_rank;
-- rank 1 is the primary reason), with its confidence and evidence. Attributed in Python by
-- include/insight/unpaid.py (insight.unpaid_order_reasons, written by the unpaid_orders DAG); the
-- order's context comes from fct_unpaid_orders.
with

reasons as (
    select * from {{ source('insight', 'unpaid_order_reasons') }}
),

orders as (
    select * from {{ ref('fct_unpaid_orders') }}
),

names as (
    select * from {{ ref('unpaid_reasons') }}
)

select
    cast(reasons.order_id as varchar) as order_id,
    cast(reasons.reason_rank as integer) as reason_rank,
    cast(reasons.reason as varchar) as reason,
    cast(names.name_zh as varchar) as reason_name_zh,
    cast(names.name_en as varchar) as reason_name_en,
    cast(reasons.is_primary as boolean) as is_primary,
    cast(reasons.confidence as {{ type_double() }}) as confidence,
    cast(reasons.evidence_source as varchar) as evidence_source,
    cast(reasons.attempt_ids as varchar) as attempt_ids,
    cast(reasons.session_ids as varchar) as session_ids,
    cast(reasons.message_ids as varchar) as message_ids,
    cast(reasons.quote_redacted as varchar) as quote_redacted,
    cast(reasons.topic_label as varchar) as topic_label,
    cast(orders.created_week as date) as created_week,
    cast(orders.platform as varchar) as platform,
    cast(orders.promotion_id as varchar) as promotion_id,
    cast(orders.order_value as numeric(18, 2)) as order_value,
    cast(orders.is_recovered as boolean) as is_recovered,
    cast(reasons.attributed_at as {{ dbt.type_timestamp() }}) as attributed_at
from reasons
inner join orders on reasons.order_id = orders.order_id
left join names on reasons.reason = names.reason
