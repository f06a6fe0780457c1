{# Keep one row per natural key: the version from the LATEST EXPORT.

   The winner rule (the loader applies the same one when a key repeats inside one load;
   include/ingestion/loader.py):
     1. `latest_first`, when given: the record's own version time for snapshots of
        reference data (e.g. 'updated_at desc': the newest catalogue entry wins);
     2. the later partition day `_dt`: a landing partition is one day's export, so a
        record exported again on a later day is the newer version;
     3. then the later file name `_source_file` (byte order, as Python sorts str), so
        'reviews_v2.jsonl' beats 'reviews.jsonl' in the same day;
     4. then the later line `_line` in that file.
   `_loaded_at` is deliberately NOT part of the rule: the loader replaces a partition day
   wholesale on every load, so re-running an old, unchanged interval gives its rows a new
   `_loaded_at` without making them a newer export. Ranking by load time let such a re-run
   bring an outdated version of an edited row back (issue 13).
   Rows deleted from a re-export are gone from raw (the loader deleted the day first), so
   the key falls back to its version in another day, or disappears. #}
{% macro dedupe(relation, key_columns, latest_first=none) -%}
    select *
    from (
        select
            *,
            row_number() over (
                partition by {{ key_columns | join(', ') }}
                order by {% if latest_first %}{{ latest_first }}, {% endif %}_dt desc, {{ byte_order('_source_file') }} desc, _line desc
            ) as _row_rank
        from {{ relation }}
    ) as ranked
    where _row_rank = 1
{%- endmacro %}

{# A string compared byte by byte (code point order, like Python's str), whatever the
   database's default collation: PostgreSQL's locale collations sort differently. #}
{% macro byte_order(column) -%}
    {{ return(adapter.dispatch('byte_order')(column)) }}
{%- endmacro %}

{% macro default__byte_order(column) -%}
    {{ column }}
{%- endmacro %}

{% macro postgres__byte_order(column) -%}
    {{ column }} collate "C"
{%- endmacro %}
