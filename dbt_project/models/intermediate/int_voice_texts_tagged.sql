{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='text_hash',
        on_schema_change='fail',
        post_hook="{{ delete_texts_no_longer_heard() }}"
    )
}}
-- Service-element tags, one row per distinct voice text (original_text of
-- int_interactions_unioned): its primary service element and keyword score. The text itself
-- is not stored (this is a table on both adapters; raw text stays in raw - docs/privacy.md):
-- after upgrading from a version that stored it, run `dbt build --full-refresh` once.
--
-- Why a table of texts: the keyword matching is the one expensive step of the build (~14 s
-- of a 30 s full build at 1M interactions, docs/warehouse.md) and its result depends on the
-- text and the tagging seeds only. So this model is incremental on CONTENT, not on load
-- times: a run tags only the texts not yet here under the current rules (rules_version, a
-- hash of both seeds, so editing a keyword re-tags everything without --full-refresh), and
-- its post-hook deletes the texts no interaction has any more. fct_interactions is a plain
-- table that joins these tags by text_hash, so corrections and deletions in raw reach it on
-- the next build, and this model always equals its own full refresh.
-- After editing the SQL of macros/tagging.sql, run `dbt build --full-refresh` once.
--
-- Tagging (macros/tagging.sql): every distinct keyword of seeds/service_element_keywords.csv
-- found in the text adds its weight to its element's score. ASCII keywords match whole words
-- ("breakfast" is not "fast", "show" is not "how", "?" is no evidence); Chinese keywords
-- match as substrings of the lower-cased text (SQL has no word segmentation, so the seed
-- keeps multi-character, unambiguous ones only). The highest total wins; ties go to the
-- element with the lower `priority` in seeds/service_elements.csv (product_quality,
-- after_sales, logistics, payment, promotion, account, product_consultation, other), then
-- the code alphabetically. No keyword at all -> 'other' with score 0.
with

keyword_seed as (
    select * from {{ ref('service_element_keywords') }}
),

elements as (
    select element_code, priority
    from {{ ref('service_elements') }}
),

rules as (
    select {{ dbt.hash("keyword_rules.rules || '#' || element_rules.rules") }} as rules_version
    from (
        select {{ dbt.listagg(
            "element_code || '|' || keyword || '|' || cast(weight as " ~ dbt.type_string() ~ ")",
            "'\n'", "order by element_code, keyword, weight") }} as rules
        from keyword_seed
    ) as keyword_rules
    cross join (
        select {{ dbt.listagg(
            "element_code || '|' || cast(priority as " ~ dbt.type_string() ~ ")",
            "'\n'", "order by element_code") }} as rules
        from elements
    ) as element_rules
),

heard as (
    select distinct
        {{ voice_text_hash('original_text') }} as text_hash,
        coalesce(original_text, '') as original_text
    from {{ ref('int_interactions_unioned') }}
),

texts as (
    select heard.text_hash, heard.original_text, rules.rules_version
    from heard
    cross join rules
    {% if is_incremental() %}
    left join {{ this }} as done
        on heard.text_hash = done.text_hash
        and done.rules_version = rules.rules_version
    where done.text_hash is null
    {% endif %}
),

keywords as (
    select distinct
        element_code,
        {{ tagging_pattern('keyword') }} as pattern,
        {{ tagging_match_mode('keyword') }} as match_mode,
        weight
    from keyword_seed
),

prepared as (
    select
        text_hash,
        lower(original_text) as text_lower,
        {{ tagging_words('original_text') }} as text_words
    from texts
),

keyword_hits as (
    select
        prepared.text_hash,
        keywords.element_code,
        sum(keywords.weight) as element_score
    from prepared
    inner join keywords
        on {{ tagging_keyword_matches('keywords.pattern', 'keywords.match_mode', 'prepared.text_lower', 'prepared.text_words') }}
    group by prepared.text_hash, keywords.element_code
),

ranked as (
    select
        keyword_hits.text_hash,
        keyword_hits.element_code,
        keyword_hits.element_score,
        row_number() over (
            partition by keyword_hits.text_hash
            order by keyword_hits.element_score desc, elements.priority asc, keyword_hits.element_code asc
        ) as element_rank
    from keyword_hits
    inner join elements on keyword_hits.element_code = elements.element_code
)

select
    cast(texts.text_hash as varchar) as text_hash,
    cast(coalesce(ranked.element_code, 'other') as varchar) as service_element,
    cast(coalesce(ranked.element_score, 0) as integer) as service_element_score,
    cast(texts.rules_version as varchar) as rules_version
from texts
left join ranked
    on texts.text_hash = ranked.text_hash
    and ranked.element_rank = 1
