-- One row per platform code: the known platforms of seeds/platforms.csv, plus one row per
-- code that staging kept from a spelling it could not map (macros/platform.sql) and that a
-- fact holds, flagged is_known_platform = false and named by the code itself: no fact row
-- loses its platform, and a new platform shows up here instead of disappearing into a
-- catch-all. Read from the facts (built before this model), so every platform a BI user
-- can join on has its row by construction.
with

known as (
    select platform_code, name_zh, name_en, platform_type, owner_group
    from {{ ref('platforms') }}
),

seen as (
    {%- for model in ['fct_interactions', 'fct_orders', 'fct_payment_attempts', 'fct_shipments', 'fct_service_sessions'] %}
    select distinct platform as platform_code from {{ ref(model) }}
    {%- if not loop.last %}
    union{% endif %}
    {%- endfor %}
),

unrecognised as (
    select distinct seen.platform_code
    from seen
    left join known on seen.platform_code = known.platform_code
    where seen.platform_code is not null
        and known.platform_code is null
),

platforms as (
    select
        platform_code, name_zh, name_en, platform_type, owner_group,
        true as is_known_platform
    from known

    union all

    select
        platform_code,
        platform_code as name_zh,
        platform_code as name_en,
        'unrecognised' as platform_type,
        cast(null as {{ dbt.type_string() }}) as owner_group,
        false as is_known_platform
    from unrecognised
)

select
    cast(platform_code as varchar) as platform,
    cast(name_zh as varchar) as name_zh,
    cast(name_en as varchar) as name_en,
    cast(platform_type as varchar) as platform_type,
    cast(owner_group as varchar) as owner_group,
    cast(is_known_platform as boolean) as is_known_platform
from platforms
