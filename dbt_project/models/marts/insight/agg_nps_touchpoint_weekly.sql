-- NPS per local week x touchpoint (grain: submitted_week, touchpoint): what preceded the
-- answer (fct_nps_responses.touchpoint). Figures and interval as in agg_nps_weekly
-- (macros/nps.sql).
with

cells as (
    select
        submitted_week,
        touchpoint,
        count(*) as n_responses,
        sum(case when nps_category = 'promoter' then 1 else 0 end) as promoters,
        sum(case when nps_category = 'passive' then 1 else 0 end) as passives,
        sum(case when nps_category = 'detractor' then 1 else 0 end) as detractors
    from {{ ref('fct_nps_responses') }}
    group by submitted_week, touchpoint
),

scored as (
    select
        cells.*,
        {{ nps_points('promoters', 'detractors', 'n_responses') }} as nps,
        {{ nps_standard_error('promoters', 'detractors', 'n_responses') }} as nps_standard_error
    from cells
)

select
    cast(submitted_week as date) as submitted_week,
    cast(touchpoint as varchar) as touchpoint,
    cast(n_responses as integer) as n_responses,
    cast(promoters as integer) as promoters,
    cast(passives as integer) as passives,
    cast(detractors as integer) as detractors,
    cast(nps as {{ type_double() }}) as nps,
    cast(greatest(nps - 1.96 * nps_standard_error, -100) as {{ type_double() }}) as nps_ci_low,
    cast(least(nps + 1.96 * nps_standard_error, 100) as {{ type_double() }}) as nps_ci_high,
    cast(n_responses < {{ var('nps_min_sample') }} as boolean) as is_small_sample
from scored
