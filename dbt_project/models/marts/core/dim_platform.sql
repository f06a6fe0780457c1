-- One row per platform code (seeded from seeds/platforms.csv); 'unknown' collects raw
-- spellings that staging could not map.
select
    cast(platform_code as varchar) as platform,
    cast(name_zh as varchar) as name_zh,
    cast(name_en as varchar) as name_en,
    cast(platform_type as varchar) as platform_type,
    cast(owner_group as varchar) as owner_group
from {{ ref('platforms') }}
