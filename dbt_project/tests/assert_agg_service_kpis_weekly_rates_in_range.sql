-- agg_service_kpis_weekly: every rate is a share in [0, 1], percentiles are ordered.
select *
from {{ ref('agg_service_kpis_weekly') }}
where smart_resolution_rate not between 0 and 1
   or transfer_to_human_rate not between 0 and 1
   or csat_satisfied_share not between 0 and 1
   or repeat_contact_rate not between 0 and 1
   or first_response_seconds_p50 > first_response_seconds_p90
   or handle_time_seconds_p50 > handle_time_seconds_p90
   or csat_mean not between 1 and 5
