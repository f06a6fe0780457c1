{# dbt_project.yml: on PostgreSQL the staging and intermediate layers are tables (views over row_number()
   dedupes give the planner row estimates of 1 and nested-loop joins that run for minutes);
   each is analysed right after it is built so the next model's joins are planned on real
   statistics. On DuckDB they stay views: its optimiser copes and views cost no storage. #}
{% macro analyze_relation() -%}
    {%- if target.type == 'postgres' and config.get('materialized') in ('table', 'incremental') -%}
        analyze {{ this }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}
