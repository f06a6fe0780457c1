{#
  DuckDB: models land in the plain schema named in dbt_project.yml (staging, intermediate,
  marts) because the warehouse file is ours alone. Elsewhere (PostgreSQL) every schema is
  prefixed with the target schema (ee_staging, ee_marts, ...) so several builds can share a
  database without colliding.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif target.type == 'duckdb' -%}
        {{ custom_schema_name | trim }}
    {%- else -%}
        {{ target.schema }}_{{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
