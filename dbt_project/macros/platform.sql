{# Map the many raw spellings of a platform ('TMALL', '天猫', ' Tmall ') to its code
   (var platform_aliases in dbt_project.yml). A spelling that is not in the list keeps its
   own value, lower-cased and trimmed ('Douyin ' -> 'douyin'): it is never folded into a
   catch-all, so a new platform stays visible and separable in every mart. dim_platform
   adds a row for each such code with is_known_platform = false, so the relationships tests
   still hold; blank becomes null. #}
{% macro normalize_platform(column) -%}
    case
    {%- for code, aliases in var('platform_aliases').items() %}
        when lower(trim({{ column }})) in ({% for a in aliases %}'{{ a }}'{% if not loop.last %}, {% endif %}{% endfor %}) then '{{ code }}'
    {%- endfor %}
        else nullif(lower(trim({{ column }})), '')
    end
{%- endmacro %}

{# The platform codes the project knows (the keys of var platform_aliases; each has a row in
   seeds/platforms.csv, which the dbt test platform_aliases_match_the_seed checks). #}
{% macro known_platform_codes() -%}
    {{ return(var('platform_aliases').keys() | list) }}
{%- endmacro %}

{# True for a known platform code, false for a code kept from an unrecognised spelling,
   null when there is no platform (a social mention that names none). #}
{% macro is_known_platform(column) -%}
    case
        when {{ column }} is null then null
        when {{ column }} in ({% for code in known_platform_codes() %}'{{ code }}'{% if not loop.last %}, {% endif %}{% endfor %}) then true
        else false
    end
{%- endmacro %}
