{{ config(tags=['topics']) }}
-- What customers say about each product, ranked for the product team (grain: product_id,
-- topic_id; one row per product x topic with at least var finding_min_mentions mentions).
--
-- finding_type: issue (negative_share >= var finding_issue_negative_share), praise (positive
--   share >= 0.5), demand (questions: the topic's service element is product_consultation),
--   else mixed.
-- share_of_product_reviews: the product's text reviews in this topic / all its text reviews.
-- emerged_week: first week with var finding_min_weekly mentions. is_rising: the last var
--   finding_trend_days days hold more mentions than the same span before them.
-- is_emerging: the topic grew after the product's quiet period (the first var
--   emerging_quiet_days after the later of the launch and the first day of data): its share of
--   the product's mentions since then is at least var emerging_share_ratio times its share in
--   the quiet period (smoothed: (topic + 1) / (product + 1)), with at least var
--   finding_min_mentions mentions since. A share, not a count, so a product's launch ramp or a
--   promotion does not make every topic emerge; a topic as common from the start never does.
-- opportunity_score (issues only): negative mentions x (2 when emerging, else 1);
--   opportunity_rank orders a product's issues by it, product_rank all issues of all
--   products. example_quote_1..3: the most recent distinct PII-redacted texts
--   (fct_interactions.text_redacted), negative ones first for issues, else positive first.
with

mentions as (
    select * from {{ ref('int_product_topic_mentions') }}
),

products as (
    select product_id, product_name, product_name_en, category, launched_on from {{ ref('dim_product') }}
),

data_range as (
    select min(cast(occurred_at_local as date)) as first_day, max(cast(occurred_at_local as date)) as last_day
    from {{ ref('fct_interactions') }}
),

product_reviews as (
    select product_id, count(*) as text_review_count
    from {{ ref('fct_interactions') }}
    where interaction_type = 'review' and product_id is not null
    group by product_id
),

weekly as (
    select product_id, topic_id, occurred_week, count(*) as mentions
    from mentions
    group by product_id, topic_id, occurred_week
),

emerged as (
    select product_id, topic_id, min(occurred_week) as emerged_week
    from weekly
    where mentions >= {{ var('finding_min_weekly') }}
    group by product_id, topic_id
),

anchored as (
    select
        mentions.product_id,
        mentions.topic_id,
        mentions.occurred_date >= greatest(coalesce(products.launched_on, data_range.first_day), data_range.first_day)
            + {{ var('emerging_quiet_days') }} as is_after_quiet
    from mentions
    cross join data_range
    left join products on mentions.product_id = products.product_id
),

quiet_split as (
    select
        product_id,
        topic_id,
        sum(case when is_after_quiet then 0 else 1 end) as quiet_count,
        sum(case when is_after_quiet then 1 else 0 end) as after_count
    from anchored
    group by product_id, topic_id
),

product_split as (
    select product_id, sum(quiet_count) as quiet_total, sum(after_count) as after_total
    from quiet_split
    group by product_id
),

totals as (
    select
        mentions.product_id,
        mentions.topic_id,
        max(mentions.topic_label) as topic_label,
        max(mentions.topic_service_element) as service_element,
        count(*) as mention_count,
        sum(case when mentions.sentiment_label = 'negative' then 1 else 0 end) as negative_count,
        sum(case when mentions.sentiment_label = 'positive' then 1 else 0 end) as positive_count,
        sum(case when mentions.interaction_type = 'review' then 1 else 0 end) as review_mention_count,
        min(mentions.occurred_date) as first_seen_date,
        max(mentions.occurred_date) as last_seen_date,
        sum(case when mentions.occurred_date > data_range.last_day - {{ var('finding_trend_days') }}
            then 1 else 0 end) as recent_count,
        sum(case when mentions.occurred_date <= data_range.last_day - {{ var('finding_trend_days') }}
                 and mentions.occurred_date > data_range.last_day - 2 * {{ var('finding_trend_days') }}
            then 1 else 0 end) as previous_count
    from mentions
    cross join data_range
    group by mentions.product_id, mentions.topic_id
    having count(*) >= {{ var('finding_min_mentions') }}
),

quotes as (
    select product_id, topic_id, text_redacted, quote_rank
    from (
        select
            distinct_texts.product_id,
            distinct_texts.topic_id,
            distinct_texts.text_redacted,
            row_number() over (
                partition by distinct_texts.product_id, distinct_texts.topic_id
                order by
                    case
                        when 1.0 * totals.negative_count / totals.mention_count
                            >= {{ var('finding_issue_negative_share') }} then distinct_texts.is_negative
                        else distinct_texts.is_positive
                    end desc,
                    distinct_texts.latest desc,
                    distinct_texts.text_redacted
            ) as quote_rank
        from (
            select
                product_id,
                topic_id,
                text_redacted,
                max(case when sentiment_label = 'negative' then 1 else 0 end) as is_negative,
                max(case when sentiment_label = 'positive' then 1 else 0 end) as is_positive,
                max(occurred_date) as latest
            from mentions
            where text_redacted is not null and length(trim(text_redacted)) > 0
            group by product_id, topic_id, text_redacted
        ) as distinct_texts
        inner join totals
            on distinct_texts.product_id = totals.product_id and distinct_texts.topic_id = totals.topic_id
    ) as ranked
    where quote_rank <= 3
),

classified as (
    select
        totals.*,
        products.product_name,
        products.product_name_en,
        products.category,
        products.launched_on,
        emerged.emerged_week,
        1.0 * totals.negative_count / totals.mention_count as negative_share,
        1.0 * totals.positive_count / totals.mention_count as positive_share,
        case
            when 1.0 * totals.negative_count / totals.mention_count >= {{ var('finding_issue_negative_share') }}
                then 'issue'
            when 1.0 * totals.positive_count / totals.mention_count >= 0.5 then 'praise'
            when totals.service_element = 'product_consultation' then 'demand'
            else 'mixed'
        end as finding_type,
        totals.recent_count > totals.previous_count as is_rising,
        coalesce(
            quiet_split.after_count >= {{ var('finding_min_mentions') }}
            and 1.0 * quiet_split.after_count / nullif(product_split.after_total, 0)
                >= {{ var('emerging_share_ratio') }}
                * (quiet_split.quiet_count + 1.0) / (product_split.quiet_total + 1.0),
            false
        ) as is_emerging,
        product_reviews.text_review_count
    from totals
    cross join data_range
    left join products on totals.product_id = products.product_id
    left join emerged on totals.product_id = emerged.product_id and totals.topic_id = emerged.topic_id
    left join quiet_split on totals.product_id = quiet_split.product_id and totals.topic_id = quiet_split.topic_id
    left join product_split on totals.product_id = product_split.product_id
    left join product_reviews on totals.product_id = product_reviews.product_id
),

scored as (
    select
        classified.*,
        case when finding_type = 'issue' then negative_count * (case when is_emerging then 2 else 1 end) end
            as opportunity_score
    from classified
)

select
    cast(scored.product_id as varchar) as product_id,
    cast(scored.product_name as varchar) as product_name,
    cast(scored.product_name_en as varchar) as product_name_en,
    cast(scored.category as varchar) as product_category,
    cast(scored.launched_on as date) as launched_on,
    cast(scored.topic_id as integer) as topic_id,
    cast(scored.topic_label as varchar) as topic_label,
    cast(scored.service_element as varchar) as service_element,
    cast(scored.finding_type as varchar) as finding_type,
    cast(scored.mention_count as integer) as mention_count,
    cast(scored.negative_count as integer) as negative_count,
    cast(scored.positive_count as integer) as positive_count,
    cast(scored.negative_share as {{ type_double() }}) as negative_share,
    cast(scored.review_mention_count as integer) as review_mention_count,
    cast(case when scored.text_review_count > 0
        then 1.0 * scored.review_mention_count / scored.text_review_count end as {{ type_double() }})
        as share_of_product_reviews,
    cast(scored.first_seen_date as date) as first_seen_date,
    cast(scored.last_seen_date as date) as last_seen_date,
    cast(scored.emerged_week as date) as emerged_week,
    cast(scored.recent_count as integer) as recent_count,
    cast(scored.previous_count as integer) as previous_count,
    cast(scored.is_rising as boolean) as is_rising,
    cast(scored.is_emerging as boolean) as is_emerging,
    cast(scored.opportunity_score as {{ type_double() }}) as opportunity_score,
    cast(case when scored.finding_type = 'issue' then row_number() over (
        partition by scored.product_id, scored.finding_type = 'issue'
        order by scored.opportunity_score desc, scored.topic_id) end as integer) as opportunity_rank,
    cast(case when scored.finding_type = 'issue' then row_number() over (
        partition by scored.finding_type = 'issue'
        order by scored.opportunity_score desc, scored.product_id, scored.topic_id) end as integer) as product_rank,
    cast(quote_1.text_redacted as varchar) as example_quote_1,
    cast(quote_2.text_redacted as varchar) as example_quote_2,
    cast(quote_3.text_redacted as varchar) as example_quote_3
from scored
left join quotes as quote_1
    on scored.product_id = quote_1.product_id and scored.topic_id = quote_1.topic_id and quote_1.quote_rank = 1
left join quotes as quote_2
    on scored.product_id = quote_2.product_id and scored.topic_id = quote_2.topic_id and quote_2.quote_rank = 2
left join quotes as quote_3
    on scored.product_id = quote_3.product_id and scored.topic_id = quote_3.topic_id and quote_3.quote_rank = 3
