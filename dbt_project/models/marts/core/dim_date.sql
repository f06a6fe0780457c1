-- One row per calendar day from var date_spine_start to var date_spine_end (exclusive),
-- with the local-week (Monday) and the Chinese shopping festivals.
with

days as (
    {{ dbt.date_spine('day', "cast('" ~ var('date_spine_start') ~ "' as date)", "cast('" ~ var('date_spine_end') ~ "' as date)") }}
),

spine as (
    select cast(date_day as date) as date_day from days
)

select
    cast(date_day as date) as date_day,
    cast({{ dbt.date_trunc('week', 'date_day') }} as date) as week_start_date,
    cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start_date,
    cast(extract(year from date_day) as integer) as year_number,
    cast(extract(quarter from date_day) as integer) as quarter_number,
    cast(extract(month from date_day) as integer) as month_number,
    cast(extract(day from date_day) as integer) as day_of_month,
    cast(extract(isodow from date_day) as integer) as iso_day_of_week,
    cast(extract(isodow from date_day) in (6, 7) as boolean) as is_weekend,
    cast(
        case
            when extract(month from date_day) = 6 and extract(day from date_day) = 18 then '618'
            when extract(month from date_day) = 11 and extract(day from date_day) = 11 then 'double_11'
            when extract(month from date_day) = 12 and extract(day from date_day) = 12 then 'double_12'
        end as varchar
    ) as shopping_festival
from spine
