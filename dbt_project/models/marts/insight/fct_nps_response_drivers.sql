-- One row per NPS answer with what happened to the customer before it: the candidate key
-- drivers the insight layer tests (include/insight/drivers.py). Every operational flag is
-- about the answer's own order (a transactional survey rates one order): its delivery, its
-- payment attempts and the service sessions about it that started before the answer;
-- had_product_complaint is a session about the order whose primary element is product
-- quality, at any time (a complaint made after the answer still shows the product was bad
-- when it arrived); verbatim_service_element is the service
-- element of the answer's verbatim (fct_interactions), null without a verbatim.
with

responses as (
    select * from {{ ref('fct_nps_responses') }}
),

orders as (
    select order_id, failed_attempt_count from {{ ref('fct_orders') }}
),

shipments as (
    select order_id, is_late, has_exception, is_delivered from {{ ref('fct_shipments') }}
),

order_sessions as (
    select
        responses.response_id,
        max(case when sessions.started_at <= responses.submitted_at and sessions.is_transferred then 1 else 0 end)
            as had_transfer,
        max(case when sessions.started_at <= responses.submitted_at and not sessions.is_resolved then 1 else 0 end)
            as had_unresolved,
        max(case when sessions.service_element = 'product_quality' then 1 else 0 end) as had_product_complaint,
        sum(case when sessions.started_at <= responses.submitted_at then 1 else 0 end) as session_count
    from responses
    inner join {{ ref('fct_service_sessions') }} as sessions
        on sessions.order_id = responses.order_id
    group by responses.response_id
),

verbatims as (
    select substr(interaction_id, 5) as response_id, service_element
    from {{ ref('fct_interactions') }}
    where interaction_type = 'nps_verbatim'
)

select
    cast(responses.response_id as varchar) as response_id,
    cast(responses.platform as varchar) as platform,
    cast(responses.product_category as varchar) as product_category,
    cast(responses.submitted_date as date) as submitted_date,
    cast(responses.nps_score as integer) as nps_score,
    cast(responses.nps_category as varchar) as nps_category,
    cast(coalesce(shipments.is_late, false) as boolean) as had_late_delivery,
    cast(coalesce(shipments.has_exception and not shipments.is_delivered, false) as boolean) as had_lost_parcel,
    cast(coalesce(orders.failed_attempt_count, 0) > 0 as boolean) as had_failed_payment,
    cast(coalesce(order_sessions.had_transfer, 0) = 1 as boolean) as had_transfer_to_human,
    cast(coalesce(order_sessions.had_unresolved, 0) = 1 as boolean) as had_unresolved_session,
    cast(coalesce(order_sessions.had_product_complaint, 0) = 1 as boolean) as had_product_complaint,
    cast(coalesce(order_sessions.session_count, 0) as integer) as order_session_count,
    cast(verbatims.service_element as varchar) as verbatim_service_element
from responses
left join orders on responses.order_id = orders.order_id
left join shipments on responses.order_id = shipments.order_id
left join order_sessions on responses.response_id = order_sessions.response_id
left join verbatims on responses.response_id = verbatims.response_id
