{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='interaction_id',
        on_schema_change='fail'
    )
}}
-- One row per piece of customer voice (customer chat message, review text, NPS verbatim,
-- social mention) with its primary service element.
--
-- Incremental: only interactions whose inputs were loaded after the latest loaded_at
-- already here are (re)processed, so the keyword matching below runs on new rows only;
-- delete+insert on interaction_id makes a re-run of the same interval a no-op.
-- `dbt build --full-refresh` rebuilds from raw.
--
-- Service-element tagging (macros/tagging.sql): every distinct keyword of
-- seeds/service_element_keywords.csv found in the text adds its weight to its element's
-- score. ASCII keywords match whole words ("breakfast" is not "fast", "show" is not "how",
-- "?" is no evidence); Chinese keywords match as substrings of the lower-cased text (SQL has
-- no word segmentation, so the seed keeps multi-character, unambiguous ones only). The
-- highest total wins; ties go to the element with the lower `priority` in
-- seeds/service_elements.csv (product_quality, after_sales, logistics, payment, promotion,
-- account, product_consultation, other), then the code alphabetically. No keyword at all ->
-- 'other' with score 0. service_element_score is the winning total (the rule's evidence:
-- 0 = nothing matched, 1-2 = one weak hint, >= 3 = a specific keyword or several hints).
with

interactions as (
    select * from {{ ref('int_interactions_unioned') }}
    {% if is_incremental() %}
    where _loaded_at > (select max(loaded_at) from {{ this }})
    {% endif %}
),

keywords as (
    select distinct
        element_code,
        {{ tagging_pattern('keyword') }} as pattern,
        {{ tagging_match_mode('keyword') }} as match_mode,
        weight
    from {{ ref('service_element_keywords') }}
),

texts as (
    select
        interaction_id,
        lower(coalesce(original_text, '')) as text_lower,
        {{ tagging_words('original_text') }} as text_words
    from interactions
),

elements as (
    select element_code, priority
    from {{ ref('service_elements') }}
),

keyword_hits as (
    select
        texts.interaction_id,
        keywords.element_code,
        sum(keywords.weight) as element_score
    from texts
    inner join keywords
        on {{ tagging_keyword_matches('keywords.pattern', 'keywords.match_mode', 'texts.text_lower', 'texts.text_words') }}
    group by texts.interaction_id, keywords.element_code
),

ranked as (
    select
        keyword_hits.interaction_id,
        keyword_hits.element_code,
        keyword_hits.element_score,
        row_number() over (
            partition by keyword_hits.interaction_id
            order by keyword_hits.element_score desc, elements.priority asc, keyword_hits.element_code asc
        ) as element_rank
    from keyword_hits
    inner join elements on keyword_hits.element_code = elements.element_code
),

tagged as (
    select
        interactions.*,
        coalesce(ranked.element_code, 'other') as service_element,
        coalesce(ranked.element_score, 0) as service_element_score
    from interactions
    left join ranked
        on interactions.interaction_id = ranked.interaction_id
        and ranked.element_rank = 1
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
    cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
from tagged
