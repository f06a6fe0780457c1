-- From raw to marts, per source (grain: source): rows in raw, distinct records after staging's
-- dedupe (a re-sent or corrected record keeps its latest version), rows in the source's mart,
-- and the rows the mart leaves out on purpose, counted independently with the mart's own rule
-- (explained_not_in_mart). A GX expectation requires not_in_mart = explained_not_in_mart.
with

raw_counts as (
    {% set sources = [
        ('commerce', 'orders'), ('payments', 'payment_attempts'), ('customer_service', 'cs_sessions'),
        ('customer_service', 'cs_messages'), ('reviews', 'reviews'), ('survey', 'nps_responses'),
        ('social', 'social_mentions'),
    ] %}
    {% for group, table in sources %}
    select '{{ table }}' as source, count(*) as raw_rows from {{ source(group, table) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

staged as (
    select 'orders' as source, count(*) as staged_rows, 0 as explained from {{ ref('stg_commerce__orders') }}
    union all
    select 'payment_attempts', count(*), 0 from {{ ref('stg_payments__payment_attempts') }}
    union all
    select 'cs_sessions', count(*), 0 from {{ ref('stg_customer_service__sessions') }}
    union all
    -- fct_interactions keeps customer messages only (bot and agent replies are not customer voice)
    select 'cs_messages', count(*), sum(case when is_from_customer then 0 else 1 end)
    from {{ ref('stg_customer_service__messages') }}
    union all
    select 'reviews', count(*), 0 from {{ ref('stg_reviews__reviews') }}
    union all
    select 'nps_responses', count(*), 0 from {{ ref('stg_survey__nps_responses') }}
    union all
    select 'social_mentions', count(*), 0 from {{ ref('stg_social__mentions') }}
),

marts as (
    select 'orders' as source, 'fct_orders' as mart, count(*) as mart_rows from {{ ref('fct_orders') }}
    union all
    select 'payment_attempts', 'fct_payment_attempts', count(*) from {{ ref('fct_payment_attempts') }}
    union all
    select 'cs_sessions', 'fct_service_sessions', count(*) from {{ ref('fct_service_sessions') }}
    union all
    select 'cs_messages', 'fct_interactions', count(*) from {{ ref('fct_interactions') }}
    where interaction_type = 'chat_message'
    union all
    select 'reviews', 'fct_reviews', count(*) from {{ ref('fct_reviews') }}
    union all
    select 'nps_responses', 'fct_nps_responses', count(*) from {{ ref('fct_nps_responses') }}
    union all
    select 'social_mentions', 'fct_interactions', count(*) from {{ ref('fct_interactions') }}
    where interaction_type = 'social_mention'
)

select
    cast(raw_counts.source as varchar) as source,
    cast(marts.mart as varchar) as mart,
    cast(raw_counts.raw_rows as bigint) as raw_rows,
    cast(staged.staged_rows as bigint) as staged_rows,
    cast(raw_counts.raw_rows - staged.staged_rows as bigint) as duplicates_removed,
    cast(marts.mart_rows as bigint) as mart_rows,
    cast(staged.staged_rows - marts.mart_rows as bigint) as not_in_mart,
    cast(staged.explained as bigint) as explained_not_in_mart
from raw_counts
inner join staged on raw_counts.source = staged.source
inner join marts on raw_counts.source = marts.source
