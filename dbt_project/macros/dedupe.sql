{# Keep the latest loaded copy of each natural key. Raw tables may hold the same record
   twice (a re-exported day, a late correction): the row with the latest _loaded_at wins,
   then the later file and line. #}
{% macro dedupe(relation, key_columns) -%}
    select *
    from (
        select
            *,
            row_number() over (
                partition by {{ key_columns | join(', ') }}
                order by _loaded_at desc, _source_file desc, _line desc
            ) as _row_rank
        from {{ relation }}
    ) as ranked
    where _row_rank = 1
{%- endmacro %}
