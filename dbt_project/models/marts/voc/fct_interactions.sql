-- One row per piece of customer voice (customer chat message, review text, NPS verbatim,
-- social mention) with its primary service element.
--
-- A table, rebuilt on every run from int_interactions_unioned, so a re-exported day that
-- removes, edits or clears a text is reflected at once, exactly as a full refresh would.
-- The expensive keyword tagging is not redone: it is looked up by text in
-- int_voice_texts_tagged, which tags each distinct text once (incremental on content; see
-- there for the rule and why).
with

interactions as (
    select * from {{ ref('int_interactions_unioned') }}
),

tags as (
    select text_hash, service_element, service_element_score
    from {{ ref('int_voice_texts_tagged') }}
),

tagged as (
    select
        interactions.*,
        coalesce(tags.service_element, 'other') as service_element,
        coalesce(tags.service_element_score, 0) as service_element_score
    from interactions
    left join tags on {{ voice_text_hash('interactions.original_text') }} = tags.text_hash
)

select
    cast(interaction_id as varchar) as interaction_id,
    cast(interaction_type as varchar) as interaction_type,
    cast(channel as varchar) as channel,
    cast(platform as varchar) as platform,
    cast(customer_key as varchar) as customer_key,
    cast(product_id as varchar) as product_id,
    cast(order_id as varchar) as order_id,
    cast(occurred_at as {{ dbt.type_timestamp() }}) as occurred_at,
    cast(occurred_at_local as {{ dbt.type_timestamp() }}) as occurred_at_local,
    cast(occurred_week as date) as occurred_week,
    cast(language as varchar) as language,
    cast(text_redacted as varchar) as text_redacted,
    cast(service_element as varchar) as service_element,
    cast(service_element_score as integer) as service_element_score,
    cast(source_record_id as varchar) as source_record_id,
    cast(session_id as varchar) as session_id,
    cast(source_detail as varchar) as source_detail,
    cast(rating as integer) as rating,
    cast(rating_scale_max as integer) as rating_scale_max,
    cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at,
    cast({{ is_known_platform('platform') }} as boolean) as is_known_platform
from tagged
