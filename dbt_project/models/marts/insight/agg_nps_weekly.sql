-- NPS per local week x platform x product category (grain: submitted_week, platform,
-- product_category; one row per combination with at least one answer).
--
-- NPS = 100 * (promoters - detractors) / n, promoters scoring 9-10, detractors 0-6.
-- 95 % confidence interval: NPS +/- 1.96 * 100 * sqrt(var / n) with
-- var = p_p + p_d - (p_p - p_d)^2, the multinomial variance of the difference of two
-- proportions estimated from one sample (p_p, p_d: promoter and detractor shares); the
-- interval is clipped to [-100, 100]. Normal approximation: below var nps_min_sample
-- answers the row is flagged is_small_sample and the interval should not be trusted.
-- Week over week: the change from the same platform and category exactly one week earlier,
-- with z = change / sqrt(se_this^2 + se_previous^2) (independent samples) and
-- is_change_significant when |z| >= 1.96 (two-sided 5 %) and neither week is small.
-- is_partial_week: the week is not fully covered by the data (first and last week of the days
-- with orders or answers), so a change read off it compares unequal periods.
with

responses as (
    select * from {{ ref('fct_nps_responses') }}
),

{# the days the warehouse has data for: orders and answers (surveys lag their orders, so the
   answers alone would call a fully loaded first week partial) #}
data_range as (
    select min(first_day) as first_day, max(last_day) as last_day
    from (
        select min(submitted_date) as first_day, max(submitted_date) as last_day from responses
        union all
        select min(created_date), max(created_date) from {{ ref('fct_orders') }}
    ) as ranges
),

cells as (
    select
        submitted_week,
        platform,
        product_category,
        count(*) as n_responses,
        {{ nps_band_counts('nps_category') }},
        avg(cast(nps_score as {{ type_double() }})) as mean_score
    from responses
    group by submitted_week, platform, product_category
),

scored as (
    select
        cells.*,
        {{ nps_points('promoters', 'detractors', 'n_responses') }} as nps,
        {{ nps_standard_error('promoters', 'detractors', 'n_responses') }} as nps_standard_error
    from cells
),

with_previous as (
    select
        scored.*,
        lag(submitted_week) over (partition by platform, product_category order by submitted_week) as previous_week,
        lag(nps) over (partition by platform, product_category order by submitted_week) as previous_nps,
        lag(nps_standard_error) over (partition by platform, product_category order by submitted_week)
            as previous_standard_error,
        lag(n_responses) over (partition by platform, product_category order by submitted_week) as previous_n
    from scored
)

select
    cast(submitted_week as date) as submitted_week,
    cast(platform as varchar) as platform,
    cast(product_category as varchar) as product_category,
    cast(n_responses as integer) as n_responses,
    cast(promoters as integer) as promoters,
    cast(passives as integer) as passives,
    cast(detractors as integer) as detractors,
    cast(mean_score as {{ type_double() }}) as mean_score,
    cast(nps as {{ type_double() }}) as nps,
    {{ nps_interval_columns('nps', 'nps_standard_error') }},
    cast(n_responses < {{ var('nps_min_sample') }} as boolean) as is_small_sample,
    cast({{ is_partial_week('submitted_week', '(select first_day from data_range)',
                            '(select last_day from data_range)') }} as boolean) as is_partial_week,
    cast(case when previous_week = cast({{ dbt.dateadd('day', -7, 'submitted_week') }} as date) then previous_nps end
        as {{ type_double() }}) as previous_week_nps,
    cast(case when previous_week = cast({{ dbt.dateadd('day', -7, 'submitted_week') }} as date) then nps - previous_nps end
        as {{ type_double() }}) as nps_change,
    cast(case
        when previous_week = cast({{ dbt.dateadd('day', -7, 'submitted_week') }} as date)
            and (nps_standard_error > 0 or previous_standard_error > 0)
        then (nps - previous_nps)
            / sqrt(power(nps_standard_error, 2) + power(previous_standard_error, 2))
    end as {{ type_double() }}) as nps_change_z,
    cast(coalesce(
        previous_week = cast({{ dbt.dateadd('day', -7, 'submitted_week') }} as date)
        and n_responses >= {{ var('nps_min_sample') }}
        and previous_n >= {{ var('nps_min_sample') }}
        and (nps_standard_error > 0 or previous_standard_error > 0)
        and abs(nps - previous_nps)
            >= 1.96 * sqrt(power(nps_standard_error, 2) + power(previous_standard_error, 2)),
        false
    ) as boolean) as is_change_significant
from with_previous
