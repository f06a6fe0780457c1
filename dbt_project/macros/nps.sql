{# Net Promoter Score in points, [-100, 100]: 100 * (promoters - detractors) / n. #}
{% macro nps_points(promoters, detractors, n) -%}
    (100.0 * ({{ promoters }} - {{ detractors }}) / {{ n }})
{%- endmacro %}

{# Standard error of the NPS, in points: 100 * sqrt((p_p + p_d - (p_p - p_d)^2) / n), the
   multinomial variance of the difference of two proportions estimated from one sample
   (p_p, p_d: promoter and detractor shares). The 95 % interval is +/- 1.96 of it (normal
   approximation; unreliable for small n). #}
{% macro nps_standard_error(promoters, detractors, n) -%}
    (100.0 * sqrt(
        greatest(
            (cast({{ promoters }} as {{ type_double() }}) + {{ detractors }}) / {{ n }}
            - power((cast({{ promoters }} as {{ type_double() }}) - {{ detractors }}) / {{ n }}, 2),
            0
        ) / {{ n }}
    ))
{%- endmacro %}

{# promoters, passives and detractors of a group, from an nps_category column. #}
{% macro nps_band_counts(category) -%}
    sum(case when {{ category }} = 'promoter' then 1 else 0 end) as promoters,
    sum(case when {{ category }} = 'passive' then 1 else 0 end) as passives,
    sum(case when {{ category }} = 'detractor' then 1 else 0 end) as detractors
{%- endmacro %}

{# The 95 % interval columns nps_ci_low / nps_ci_high, clipped to [-100, 100]. #}
{% macro nps_interval_columns(nps, standard_error) -%}
    cast(greatest({{ nps }} - 1.96 * {{ standard_error }}, -100) as {{ type_double() }}) as nps_ci_low,
    cast(least({{ nps }} + 1.96 * {{ standard_error }}, 100) as {{ type_double() }}) as nps_ci_high
{%- endmacro %}
