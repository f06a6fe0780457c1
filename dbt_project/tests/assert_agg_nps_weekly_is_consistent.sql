-- agg_nps_weekly: counts add up, NPS is in [-100, 100] and inside its own interval.
select *
from {{ ref('agg_nps_weekly') }}
where promoters + passives + detractors <> n_responses
   or nps < -100 or nps > 100
   or nps_ci_low > nps + 1e-9 or nps_ci_high < nps - 1e-9
   or nps_ci_low < -100 or nps_ci_high > 100
