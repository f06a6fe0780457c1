-- Every code of var platform_aliases has a row in seeds/platforms.csv and vice versa: the
-- known list that is_known_platform uses in the facts is the list dim_platform names.
with

alias_codes as (
    {%- for code in known_platform_codes() %}
    select '{{ code }}' as platform_code{% if not loop.last %} union all{% endif %}
    {%- endfor %}
),

seed_codes as (
    select cast(platform_code as varchar) as platform_code from {{ ref('platforms') }}
)

select alias_codes.platform_code, 'in var platform_aliases, missing from seeds/platforms.csv' as problem
from alias_codes
left join seed_codes on alias_codes.platform_code = seed_codes.platform_code
where seed_codes.platform_code is null

union all

select seed_codes.platform_code, 'in seeds/platforms.csv, missing from var platform_aliases' as problem
from seed_codes
left join alias_codes on seed_codes.platform_code = alias_codes.platform_code
where alias_codes.platform_code is null
