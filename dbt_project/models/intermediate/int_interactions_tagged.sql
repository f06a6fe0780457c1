-- Service-element tagging, one row per interaction with its primary element.
-- Rules: every keyword of seeds/service_element_keywords.csv found in the lower-cased text
-- adds its weight to its element; the highest total wins; ties go to the element with the
-- lower `priority` in seeds/service_elements.csv (product_quality before after_sales before
-- logistics ...), then the code alphabetically. No keyword at all -> 'other'.
with

interactions as (
    select * from {{ ref('int_interactions_unioned') }}
),

keywords as (
    select element_code, lower(keyword) as keyword, weight
    from {{ ref('service_element_keywords') }}
),

elements as (
    select element_code, priority
    from {{ ref('service_elements') }}
),

keyword_hits as (
    select
        interactions.interaction_id,
        keywords.element_code,
        sum(keywords.weight) as element_score,
        count(*) as keyword_count
    from interactions
    inner join keywords
        on {{ dbt.position('keywords.keyword', 'lower(interactions.original_text)') }} > 0
    group by interactions.interaction_id, keywords.element_code
),

ranked as (
    select
        keyword_hits.interaction_id,
        keyword_hits.element_code,
        keyword_hits.element_score,
        keyword_hits.keyword_count,
        row_number() over (
            partition by keyword_hits.interaction_id
            order by keyword_hits.element_score desc, elements.priority asc, keyword_hits.element_code asc
        ) as element_rank
    from keyword_hits
    inner join elements on keyword_hits.element_code = elements.element_code
)

select
    interactions.*,
    coalesce(ranked.element_code, 'other') as service_element,
    coalesce(ranked.element_score, 0) as service_element_score
from interactions
left join ranked
    on interactions.interaction_id = ranked.interaction_id
    and ranked.element_rank = 1
