-- The service-element taxonomy, one row per element code (seeded from
-- seeds/service_elements.csv), with the number of keyword rules behind each.
with

elements as (
    select * from {{ ref('service_elements') }}
),

rules as (
    select element_code, count(*) as keyword_count
    from {{ ref('service_element_keywords') }}
    group by element_code
)

select
    cast(elements.element_code as varchar) as service_element,
    cast(elements.name_zh as varchar) as name_zh,
    cast(elements.name_en as varchar) as name_en,
    cast(elements.priority as integer) as tie_break_priority,
    cast(elements.description as varchar) as description,
    cast(coalesce(rules.keyword_count, 0) as bigint) as keyword_count
from elements
left join rules on elements.element_code = rules.element_code
