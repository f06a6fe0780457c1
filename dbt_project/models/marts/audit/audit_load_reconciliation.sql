-- Reconciliation per landing source and partition day (grain: source, partition_date): rows
-- landed (read from the files) = rows loaded + rows quarantined, from the load audit's latest
-- load of each file. A GX expectation (expectations/suites.py) requires is_balanced.
select
    cast(source as varchar) as source,
    cast(partition_date as date) as partition_date,
    cast(count(*) as integer) as files,
    cast(sum(rows_read) as bigint) as rows_landed,
    cast(sum(rows_loaded) as bigint) as rows_loaded,
    cast(sum(rows_quarantined) as bigint) as rows_quarantined,
    cast(sum(rows_read) = sum(rows_loaded) + sum(rows_quarantined) as boolean) as is_balanced
from {{ ref('stg_ingestion__load_audit') }}
group by source, partition_date
