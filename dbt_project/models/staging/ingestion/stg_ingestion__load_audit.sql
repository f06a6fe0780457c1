-- The latest load of each landing file: a re-run loads the same files again (idempotent), and
-- the latest run is the one raw reflects.
with

source as (
    select * from {{ source('ingestion', '_load_audit') }}
),

ranked as (
    select
        *,
        row_number() over (partition by source, file order by finished_at desc, run_id desc) as recency
    from source
)

select
    source,
    file as landing_file,
    cast(dt as date) as partition_date,
    rows_read,
    rows_loaded,
    rows_quarantined,
    status as load_status,
    run_id,
    finished_at
from ranked
where recency = 1
