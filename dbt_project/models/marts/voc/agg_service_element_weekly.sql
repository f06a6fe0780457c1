{{ config(tags=['topics']) }}
-- Service-element volume per local week and interaction type: one row per
-- (occurred_week, interaction_type, service_element). share_of_week is the element's share
-- of that week's interactions of the type; the `other` share is the tagging's coverage gap.
--
-- The element is the final one of fct_interaction_topics (keyword tag combined with the
-- topic's element; set-aside chit-chat and placeholder texts are 'other', so a marketplace's
-- default "好评" is never counted as product quality); an interaction the topic engine has not
-- scored yet keeps its keyword tag. Built after the topic engine: dbt build --select tag:topics.
with

interactions as (
    select * from {{ ref('fct_interactions') }}
),

scored as (
    select interaction_id, service_element from {{ ref('fct_interaction_topics') }}
),

counted as (
    select
        interactions.occurred_week,
        interactions.interaction_type,
        coalesce(scored.service_element, interactions.service_element) as service_element,
        count(*) as interaction_count
    from interactions
    left join scored on interactions.interaction_id = scored.interaction_id
    group by 1, 2, 3
)

select
    cast(occurred_week as date) as occurred_week,
    cast(interaction_type as varchar) as interaction_type,
    cast(service_element as varchar) as service_element,
    cast(interaction_count as bigint) as interaction_count,
    cast(
        1.0 * interaction_count
        / sum(interaction_count) over (partition by occurred_week, interaction_type)
        as {{ type_double() }}
    ) as share_of_week
from counted
