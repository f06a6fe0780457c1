-- NPS per local week x touchpoint (grain: submitted_week, touchpoint): what preceded the
-- answer (fct_nps_responses.touchpoint). Figures and interval as in agg_nps_weekly
-- (macros/nps.sql).
with

cells as (
    select
        submitted_week,
        touchpoint,
        count(*) as n_responses,
        {{ nps_band_counts('nps_category') }}
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
    {{ nps_interval_columns('nps', 'nps_standard_error') }},
    cast(n_responses < {{ var('nps_min_sample') }} as boolean) as is_small_sample
from scored
