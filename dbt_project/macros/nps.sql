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
