{{ config(tags=['insight']) }}
-- Public-opinion risk alerts, one row per episode (grain: alert_id). Computed in Python by
-- include/insight/risk.py (written to insight.risk_alerts by the risk_alerts DAG) and exposed
-- here with a contract and tests for BI. Detector and thresholds: docs/risk_alerts.md.
select
    cast(alert_id as varchar) as alert_id,
    cast(status as varchar) as status,
    cast(severity as varchar) as severity,
    cast(entity as varchar) as entity,
    cast(first_seen as date) as first_seen,
    cast(last_seen as date) as last_seen,
    cast(days as integer) as days,
    cast(series_keys as varchar) as series_keys,
    cast(series_count as integer) as series_count,
    cast(observed as integer) as observed,
    cast(expected as {{ type_double() }}) as expected,
    cast(ratio as {{ type_double() }}) as ratio,
    cast(min_p_value as {{ type_double() }}) as min_p_value,
    cast(max_z as {{ type_double() }}) as max_z,
    cast(top_keywords as varchar) as top_keywords,
    cast(sample_text_1 as varchar) as sample_text_1,
    cast(sample_text_2 as varchar) as sample_text_2,
    cast(sample_text_3 as varchar) as sample_text_3,
    cast(evidence_kind as varchar) as evidence_kind,
    cast(evidence_count as integer) as evidence_count,
    cast(evidence_ids as varchar) as evidence_ids,
    cast(detected_at as {{ dbt.type_timestamp() }}) as detected_at
from {{ source('insight', 'risk_alerts') }}
