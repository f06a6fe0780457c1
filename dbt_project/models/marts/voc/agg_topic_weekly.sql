{{ config(tags=['topics']) }}
-- Topic volume per local week, one row per (model_version, topic_id, occurred_week):
-- interactions assigned to the topic, their share of the week's topic-assigned
-- interactions, mean sentiment, negative share and the change against the previous week.
-- Built after the topic engine has written voc.doc_topics / voc.topics:
--   dbt build --select tag:topics
with

doc_topics as (
    select * from {{ source('voc', 'doc_topics') }}
),

topics as (
    select * from {{ source('voc', 'topics') }}
),

interactions as (
    select interaction_id, occurred_week from {{ ref('fct_interactions') }}
),

weekly as (
    select
        doc_topics.model_version,
        doc_topics.topic_id,
        interactions.occurred_week,
        count(*) as interaction_count,
        avg(doc_topics.sentiment_score) as mean_sentiment_score,
        avg(case when doc_topics.sentiment_label = 'negative' then 1.0 else 0.0 end) as negative_share
    from doc_topics
    inner join interactions on doc_topics.interaction_id = interactions.interaction_id
    group by doc_topics.model_version, doc_topics.topic_id, interactions.occurred_week
),

with_share as (
    select
        weekly.*,
        1.0 * interaction_count
            / sum(interaction_count) over (partition by model_version, occurred_week) as share_of_week,
        lag(interaction_count) over (
            partition by model_version, topic_id order by occurred_week
        ) as previous_interaction_count,
        lag(occurred_week) over (
            partition by model_version, topic_id order by occurred_week
        ) as previous_week
    from weekly
)

select
    cast(with_share.model_version as varchar) as model_version,
    cast(with_share.topic_id as integer) as topic_id,
    cast(with_share.occurred_week as date) as occurred_week,
    cast(topics.label as varchar) as topic_label,
    cast(topics.service_element as varchar) as topic_service_element,
    cast(topics.status as varchar) as topic_status,
    cast(with_share.interaction_count as bigint) as interaction_count,
    cast(with_share.share_of_week as {{ type_double() }}) as share_of_week,
    cast(with_share.mean_sentiment_score as {{ type_double() }}) as mean_sentiment_score,
    cast(with_share.negative_share as {{ type_double() }}) as negative_share,
    -- previous week only when it is the calendar week before; otherwise the topic was absent (0)
    cast(
        case
            when with_share.previous_week = cast({{ dbt.dateadd('day', -7, 'with_share.occurred_week') }} as date)
                then with_share.previous_interaction_count
            else 0
        end as bigint
    ) as previous_week_interaction_count,
    cast(
        with_share.interaction_count - case
            when with_share.previous_week = cast({{ dbt.dateadd('day', -7, 'with_share.occurred_week') }} as date)
                then with_share.previous_interaction_count
            else 0
        end as bigint
    ) as wow_change
from with_share
left join topics
    on with_share.topic_id = topics.topic_id
    and with_share.model_version = topics.model_version
