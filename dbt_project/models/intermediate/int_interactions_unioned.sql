-- Every piece of customer voice in one shape, one row per interaction: customer chat
-- messages, reviews with text, NPS verbatims and social mentions. Adds the customer_key,
-- the language (CJK share) and the PII-redacted text: the library redactor's copy
-- (stg_restricted__text_redactions, joined by the text's SHA-256; docs/privacy.md). A text
-- with no redaction gets a null text_redacted, never its raw text (and a data test fails). _loaded_at is the latest load of any
-- input row (informational: fct_interactions is rebuilt whole; its tags are looked up by
-- text in int_voice_texts_tagged).
with

messages as (
    select * from {{ ref('stg_customer_service__messages') }}
),

sessions as (
    select * from {{ ref('stg_customer_service__sessions') }}
),

reviews as (
    select * from {{ ref('stg_reviews__reviews') }}
),

nps as (
    select * from {{ ref('stg_survey__nps_responses') }}
),

mentions as (
    select * from {{ ref('stg_social__mentions') }}
),

accounts as (
    select * from {{ ref('int_customer_accounts_resolved') }}
),

redactions as (
    select * from {{ ref('stg_restricted__text_redactions') }}
),

chat_messages as (
    select
        'msg:' || messages.message_id as interaction_id,
        'chat_message' as interaction_type,
        'cs_chat' as channel,
        sessions.platform_code as platform,
        sessions.account_id,
        cast(null as {{ dbt.type_string() }}) as product_id,
        sessions.order_id,
        messages.sent_at as occurred_at,
        messages.message_text as original_text,
        messages.message_id as source_record_id,
        messages.session_id,
        sessions.agent_type as source_detail,
        cast(null as integer) as rating,
        cast(null as integer) as rating_scale_max,
        case
            when sessions._loaded_at > messages._loaded_at then sessions._loaded_at
            else messages._loaded_at
        end as _loaded_at
    from messages
    left join sessions on messages.session_id = sessions.session_id
    where messages.is_from_customer
),

review_texts as (
    select
        'rev:' || review_id as interaction_id,
        'review' as interaction_type,
        'review' as channel,
        platform_code as platform,
        account_id,
        product_id,
        order_id,
        created_at as occurred_at,
        review_text as original_text,
        review_id as source_record_id,
        cast(null as {{ dbt.type_string() }}) as session_id,
        cast(null as {{ dbt.type_string() }}) as source_detail,
        stars as rating,
        5 as rating_scale_max,
        _loaded_at
    from reviews
    where review_text is not null
),

nps_verbatims as (
    select
        'nps:' || response_id as interaction_id,
        'nps_verbatim' as interaction_type,
        'nps_survey' as channel,
        platform_code as platform,
        account_id,
        product_id,
        order_id,
        submitted_at as occurred_at,
        verbatim as original_text,
        response_id as source_record_id,
        cast(null as {{ dbt.type_string() }}) as session_id,
        nps_category as source_detail,
        nps_score as rating,
        10 as rating_scale_max,
        _loaded_at
    from nps
    where verbatim is not null
),

social_posts as (
    select
        'soc:' || mention_id as interaction_id,
        'social_mention' as interaction_type,
        'social' as channel,
        mentioned_platform_code as platform,
        cast(null as {{ dbt.type_string() }}) as account_id,
        product_id,
        cast(null as {{ dbt.type_string() }}) as order_id,
        posted_at as occurred_at,
        mention_text as original_text,
        mention_id as source_record_id,
        cast(null as {{ dbt.type_string() }}) as session_id,
        site as source_detail,
        cast(null as integer) as rating,
        cast(null as integer) as rating_scale_max,
        _loaded_at
    from mentions
),

unioned as (
    select * from chat_messages
    union all
    select * from review_texts
    union all
    select * from nps_verbatims
    union all
    select * from social_posts
),

redacted as (
    select
        unioned.*,
        redactions.text_redacted
    from unioned
    left join redactions
        on {{ text_sha256('unioned.original_text') }} = redactions.text_sha256
),

-- language evidence from the redacted text without its placeholders (<EMAIL>, <PHONE>, ...)
-- (the one rule shared with the topic engine: macros/text.sql, var language_rule)
measured as (
    select
        redacted.*,
        {{ cjk_char_count(language_evidence('redacted.text_redacted')) }} as cjk_chars,
        {{ latin_word_count(language_evidence('redacted.text_redacted')) }} as latin_words
    from redacted
)

select
    redacted.interaction_id,
    redacted.interaction_type,
    redacted.channel,
    redacted.platform,
    accounts.customer_key,
    redacted.product_id,
    redacted.order_id,
    redacted.occurred_at,
    {{ to_local('redacted.occurred_at') }} as occurred_at_local,
    {{ week_start(to_local('redacted.occurred_at')) }} as occurred_week,
    {{ language_from_counts('redacted.cjk_chars', 'redacted.latin_words') }} as language,
    redacted.text_redacted,
    redacted.original_text,
    redacted.account_id,
    redacted.source_record_id,
    redacted.session_id,
    redacted.source_detail,
    redacted.rating,
    redacted.rating_scale_max,
    case
        when accounts._loaded_at > redacted._loaded_at then accounts._loaded_at
        else redacted._loaded_at
    end as _loaded_at
from measured as redacted
left join accounts on redacted.account_id = accounts.account_id
