{{ config(tags=['topics']) }}
-- Weekly trend of what customers say about each product (grain: product_id, topic_id,
-- occurred_week; one row per combination with at least one mention). Mentions are
-- topic-assigned substantive voices naming the product (int_product_topic_mentions: reviews,
-- NPS verbatims, social mentions, and chat messages through the session's order).
with

mentions as (
    select * from {{ ref('int_product_topic_mentions') }}
)

select
    cast(product_id as varchar) as product_id,
    cast(topic_id as integer) as topic_id,
    cast(max(topic_label) as varchar) as topic_label,
    cast(occurred_week as date) as occurred_week,
    cast(count(*) as integer) as mention_count,
    cast(sum(case when sentiment_label = 'negative' then 1 else 0 end) as integer) as negative_count,
    cast(sum(case when sentiment_label = 'positive' then 1 else 0 end) as integer) as positive_count,
    cast(sum(case when interaction_type = 'review' then 1 else 0 end) as integer) as review_mention_count
from mentions
group by product_id, topic_id, occurred_week
