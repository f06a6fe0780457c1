{# Map the many raw spellings of a platform ('TMALL', '天猫', ' Tmall ') to its code
   (var platform_aliases in dbt_project.yml). Unknown spellings become 'unknown' so a
   relationships test to dim_platform still holds and the value is easy to find. #}
{% macro normalize_platform(column) -%}
    case
    {%- for code, aliases in var('platform_aliases').items() %}
        when lower(trim({{ column }})) in ({% for a in aliases %}'{{ a }}'{% if not loop.last %}, {% endif %}{% endfor %}) then '{{ code }}'
    {%- endfor %}
        when {{ column }} is null then null
        else 'unknown'
    end
{%- endmacro %}
