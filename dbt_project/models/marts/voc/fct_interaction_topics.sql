{{ config(tags=['topics']) }}
-- One row per interaction the topic engine has scored: its topic, set-aside class, sentiment
-- and final service element. Built after the topic engine wrote voc.doc_topics / voc.topics:
--   dbt build --select tag:topics
--
-- Final service element (service_element_source says which rule decided):
--   set_aside  chit-chat and placeholder texts (voice_class) are 'other';
--   rule       a keyword score >= var('rule_min_score') keeps the keyword tag of fct_interactions;
--   topic      otherwise the topic's element (voc.topics.service_element, mapped by the topic
--              engine from its members' keyword tags and the taxonomy) when it is not 'other';
--   rule_weak  otherwise a weaker keyword tag;
--   none       nothing: 'other'.
with

doc_topics as (
    select * from {{ source('voc', 'doc_topics') }}
),

topics as (
    select * from {{ source('voc', 'topics') }}
),

interactions as (
    select
        interaction_id,
        interaction_type,
        channel,
        platform,
        occurred_at,
        occurred_week,
        language,
        service_element,
        service_element_score
    from {{ ref('fct_interactions') }}
),

joined as (
    select
        interactions.*,
        doc_topics.topic_id,
        doc_topics.model_version,
        doc_topics.topic_probability,
        coalesce(doc_topics.voice_class, 'substantive') as voice_class,
        doc_topics.sentiment_label,
        doc_topics.sentiment_score,
        topics.label as topic_label,
        topics.service_element as topic_service_element
    from doc_topics
    inner join interactions on doc_topics.interaction_id = interactions.interaction_id
    left join topics
        on doc_topics.topic_id = topics.topic_id
        and doc_topics.model_version = topics.model_version
),

decided as (
    select
        joined.*,
        case
            when voice_class <> 'substantive' then 'set_aside'
            when service_element_score >= {{ var('rule_min_score') }} then 'rule'
            when topic_service_element is not null and topic_service_element <> 'other' then 'topic'
            when service_element_score > 0 then 'rule_weak'
            else 'none'
        end as service_element_source
    from joined
)

select
    cast(interaction_id as varchar) as interaction_id,
    cast(interaction_type as varchar) as interaction_type,
    cast(channel as varchar) as channel,
    cast(platform as varchar) as platform,
    cast(occurred_at as {{ dbt.type_timestamp() }}) as occurred_at,
    cast(occurred_week as date) as occurred_week,
    cast(language as varchar) as language,
    cast(model_version as varchar) as model_version,
    cast(topic_id as integer) as topic_id,
    cast(topic_label as varchar) as topic_label,
    cast(topic_probability as {{ type_double() }}) as topic_probability,
    cast(voice_class as varchar) as voice_class,
    cast(sentiment_label as varchar) as sentiment_label,
    cast(sentiment_score as {{ type_double() }}) as sentiment_score,
    cast(service_element as varchar) as rule_service_element,
    cast(service_element_score as integer) as rule_service_element_score,
    cast(topic_service_element as varchar) as topic_service_element,
    cast(
        case
            when service_element_source in ('rule', 'rule_weak') then service_element
            when service_element_source = 'topic' then topic_service_element
            else 'other'
        end as varchar
    ) as service_element,
    cast(service_element_source as varchar) as service_element_source
from decided
