-- One row per calendar day, whole years, from the earlier of var date_spine_start and the
-- first local date in the marts (the Monday of its week, since weeks join here too) to the
-- later of var date_spine_end (exclusive) and the last local date in the marts; with the
-- local week (Monday) and the Chinese shopping festivals. The range follows the data, so a
-- backfill of years-old history (or a promised date next year) never breaks a relationship
-- of the marts to date_day. It is read from the marts themselves (built before this model),
-- so every date a BI user can join on is covered by construction. Dates outside the
-- loader's window (EE_MIN_DATE, EE_MAX_DATE) never reach raw.
{# every date the marts hold (local dates; a column scan of a table each) #}
{%- set mart_dates = [
    ('fct_interactions', 'occurred_at_local'),
    ('fct_orders', 'created_at_local'),
    ('fct_payment_attempts', 'attempted_at_local'),
    ('fct_service_sessions', 'started_at_local'),
    ('fct_shipments', 'promised_at_local'),
    ('fct_shipments', 'delivered_at_local'),
    ('fct_shipments', 'shipped_date'),
    ('dim_customer', to_local('first_registered_at')),
    ('dim_customer', to_local('first_touch_at')),
    ('dim_customer', to_local('last_touch_at')),
    ('dim_product', 'launched_on'),
    ('fct_nps_responses', 'submitted_date'),
    ('fct_reviews', 'created_date'),
] %}

with recursive

data_dates as (
    {%- for model, column in mart_dates %}
    select cast(min({{ column }}) as date) as first_day, cast(max({{ column }}) as date) as last_day
    from {{ ref(model) }}
    {%- if not loop.last %}
    union all{% endif %}
    {%- endfor %}
),

configured as (
    select
        cast('{{ var("date_spine_start") }}' as date) as first_day,
        {# the var is exclusive: its last covered day is the day before #}
        cast({{ dbt.dateadd('day', -1, "cast('" ~ var('date_spine_end') ~ "' as date)") }} as date) as last_day
),

bounds as (
    select
        cast({{ dbt.date_trunc('year', week_start('min(first_day)')) }} as date) as first_day,
        cast({{ dbt.date_trunc('year', 'max(last_day)') }} as date) as last_year
    from (
        select first_day, last_day from data_dates
        union all
        select first_day, last_day from configured
    ) as ranges
),

spine (date_day, last_day) as (
    select
        first_day,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('year', 1, 'last_year')) }} as date)
    from bounds

    union all

    select date_day + 1, last_day
    from spine
    where date_day < last_day
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
