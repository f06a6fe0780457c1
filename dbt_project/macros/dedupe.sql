{# Keep the latest loaded copy of each natural key. Raw tables may hold the same record
   twice (a re-exported day, a late correction): the row with the latest _loaded_at wins,
   then the later file and line. Snapshots of reference data pass `latest_first` (e.g.
   'updated_at desc') so the newest version wins before load order is considered. #}
{% macro dedupe(relation, key_columns, latest_first=none) -%}
    select *
    from (
        select
            *,
            row_number() over (
                partition by {{ key_columns | join(', ') }}
                order by {% if latest_first %}{{ latest_first }}, {% endif %}_loaded_at desc, _source_file desc, _line desc
            ) as _row_rank
        from {{ relation }}
    ) as ranked
    where _row_rank = 1
{%- endmacro %}
