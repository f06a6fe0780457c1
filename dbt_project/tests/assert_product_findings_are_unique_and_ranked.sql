{{ config(tags=['topics']) }}
-- fct_product_findings: one row per product x topic; only issues are ranked, ranks start at 1
-- per product without gaps; shares are in [0, 1].
with

findings as (
    select * from {{ ref('fct_product_findings') }}
),

duplicates as (
    select product_id, topic_id, 'duplicate product x topic' as problem
    from findings
    group by product_id, topic_id
    having count(*) > 1
),

bad_ranks as (
    select product_id, null as topic_id, 'issue ranks are not 1..n' as problem
    from findings
    where finding_type = 'issue'
    group by product_id
    having min(opportunity_rank) <> 1 or max(opportunity_rank) <> count(*)
),

bad_rows as (
    select product_id, topic_id, 'rank on a non-issue, or a share outside [0, 1]' as problem
    from findings
    where (finding_type <> 'issue' and (opportunity_rank is not null or product_rank is not null))
       or negative_share not between 0 and 1
       or share_of_product_reviews not between 0 and 1
)

select * from duplicates
union all
select * from bad_ranks
union all
select * from bad_rows
