{{ config(tags=['insight']) }}
-- Key drivers of NPS over the latest window of answers (grain: one row per driver). Computed
-- in Python by include/insight/drivers.py (written to insight.nps_key_drivers by the
-- insight_drivers DAG) and exposed here with a contract and tests for BI.
--
-- impact = overall NPS - NPS of the answers without the driver (points); impact_adjusted =
-- the driver's coefficient in an OLS of the per-answer NPS contribution (+100 / 0 / -100) on
-- every operational flag jointly, times its support (operational drivers only); rank is within
-- driver_kind, most negative first. Full definitions: docs/bi_guide.md.
select
    cast(window_start as date) as window_start,
    cast(window_end as date) as window_end,
    cast(answers as integer) as answers,
    cast(driver as varchar) as driver,
    cast(driver_kind as varchar) as driver_kind,
    cast(n_with as integer) as n_with,
    cast(support as {{ type_double() }}) as support,
    cast(nps_with as {{ type_double() }}) as nps_with,
    cast(nps_without as {{ type_double() }}) as nps_without,
    cast(impact as {{ type_double() }}) as impact,
    cast(effect as {{ type_double() }}) as effect,
    cast(effect_ci_low as {{ type_double() }}) as effect_ci_low,
    cast(effect_ci_high as {{ type_double() }}) as effect_ci_high,
    cast(p_value as {{ type_double() }}) as p_value,
    cast(impact_adjusted as {{ type_double() }}) as impact_adjusted,
    cast(effect_adjusted as {{ type_double() }}) as effect_adjusted,
    cast(effect_adjusted_ci_low as {{ type_double() }}) as effect_adjusted_ci_low,
    cast(effect_adjusted_ci_high as {{ type_double() }}) as effect_adjusted_ci_high,
    cast(p_value_adjusted as {{ type_double() }}) as p_value_adjusted,
    cast(q_value as {{ type_double() }}) as q_value,
    cast(detractor_rate_with as {{ type_double() }}) as detractor_rate_with,
    cast(detractor_rate_without as {{ type_double() }}) as detractor_rate_without,
    cast(detractor_lift as {{ type_double() }}) as detractor_lift,
    cast(rank as integer) as driver_rank,
    cast(computed_at as {{ dbt.type_timestamp() }}) as computed_at
from {{ source('insight', 'nps_key_drivers') }}
