-- Service-element volume per local week and interaction type: one row per
-- (occurred_week, interaction_type, service_element). share_of_week is the element's share
-- of that week's interactions of the type; the `other` share is the tagging's coverage gap.
with

interactions as (
    select * from {{ ref('fct_interactions') }}
),

counted as (
    select
        occurred_week,
        interaction_type,
        service_element,
        count(*) as interaction_count
    from interactions
    group by occurred_week, interaction_type, service_element
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
