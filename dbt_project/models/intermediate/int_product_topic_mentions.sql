{{ config(tags=['topics'], materialized='ephemeral') }}
-- One row per topic-assigned customer voice that names a product: reviews, NPS verbatims and
-- social mentions carry the product; chat messages take the product of the session's order.
-- Chit-chat and outliers (voice_class <> 'substantive', topic_id < 0) are left out.
with

topics as (
    select interaction_id, topic_id, topic_label, topic_service_element, sentiment_label, sentiment_score
    from {{ ref('fct_interaction_topics') }}
    where voice_class = 'substantive' and topic_id >= 0
),

interactions as (
    select interaction_id, interaction_type, product_id, order_id, occurred_at_local, occurred_week, text_redacted
    from {{ ref('fct_interactions') }}
),

orders as (
    select order_id, product_id from {{ ref('fct_orders') }}
)

select
    interactions.interaction_id,
    interactions.interaction_type,
    coalesce(interactions.product_id, orders.product_id) as product_id,
    cast(interactions.occurred_at_local as date) as occurred_date,
    interactions.occurred_week,
    interactions.text_redacted,
    topics.topic_id,
    topics.topic_label,
    topics.topic_service_element,
    topics.sentiment_label,
    topics.sentiment_score
from topics
inner join interactions on topics.interaction_id = interactions.interaction_id
left join orders on interactions.order_id = orders.order_id
where coalesce(interactions.product_id, orders.product_id) is not null
