{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='interaction_id',
        on_schema_change='fail'
    )
}}
-- One row per piece of customer voice (customer chat message, review text, NPS verbatim,
-- social mention). Incremental: only interactions whose inputs were loaded after the latest
-- _loaded_at already here are (re)processed; delete+insert on interaction_id makes a re-run
-- of the same interval a no-op. `dbt build --full-refresh` rebuilds from raw.
with

tagged as (
    select * from {{ ref('int_interactions_tagged') }}
    {% if is_incremental() %}
    where _loaded_at > (select max(loaded_at) from {{ this }})
    {% endif %}
)

select
    cast(interaction_id as varchar) as interaction_id,
    cast(interaction_type as varchar) as interaction_type,
    cast(channel as varchar) as channel,
    cast(platform as varchar) as platform,
    cast(customer_key as varchar) as customer_key,
    cast(product_id as varchar) as product_id,
    cast(order_id as varchar) as order_id,
    cast(occurred_at as {{ dbt.type_timestamp() }}) as occurred_at,
    cast(occurred_at_local as {{ dbt.type_timestamp() }}) as occurred_at_local,
    cast(occurred_week as date) as occurred_week,
    cast(language as varchar) as language,
    cast(text_redacted as varchar) as text_redacted,
    cast(service_element as varchar) as service_element,
    cast(service_element_score as integer) as service_element_score,
    cast(source_record_id as varchar) as source_record_id,
    cast(session_id as varchar) as session_id,
    cast(source_detail as varchar) as source_detail,
    cast(rating as integer) as rating,
    cast(rating_scale_max as integer) as rating_scale_max,
    cast(_loaded_at as {{ dbt.type_timestamp() }}) as loaded_at
from tagged
