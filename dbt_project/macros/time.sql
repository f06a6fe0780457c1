{# Raw timestamps are UTC without a time zone. Convert to the business time zone
   (var timezone); `at time zone` twice is the same on DuckDB (ICU) and PostgreSQL. #}
{% macro to_local(column) -%}
    cast(({{ column }} at time zone 'UTC') at time zone '{{ var("timezone") }}' as timestamp)
{%- endmacro %}

{# Monday of the week a local timestamp falls in, as a date. #}
{% macro week_start(local_ts) -%}
    cast({{ dbt.date_trunc('week', local_ts) }} as date)
{%- endmacro %}

{# Seconds between two timestamps (b - a), fractional, portable. #}
{% macro seconds_between(a, b) -%}
    cast({{ dbt.datediff(a, b, 'second') }} as bigint)
{%- endmacro %}

{# An 8-byte float on every target (dbt.type_float() is 4-byte `float` on DuckDB). #}
{% macro type_double() -%}
    double precision
{%- endmacro %}

{# True when the local week starting on `week_start` is not fully inside [first_day, last_day]
   (the first or last week of the data): a change read off it compares unequal periods. #}
{% macro is_partial_week(week_start, first_day, last_day) -%}
    ({{ week_start }} < {{ first_day }}
        or cast({{ dbt.dateadd('day', 6, week_start) }} as date) > {{ last_day }})
{%- endmacro %}
