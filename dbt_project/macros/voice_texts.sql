{# The key of a voice text in int_voice_texts_tagged: md5 of the text (null = ''). #}
{% macro voice_text_hash(column) -%}
    {{ dbt.hash("coalesce(" ~ column ~ ", '')") }}
{%- endmacro %}

{# Post-hook of int_voice_texts_tagged: delete the tags of texts that no interaction has any
   more (a review removed or edited by a re-export), so the model equals its full refresh.
   `in (... except ...)` rather than `not in` / `not exists`: a set difference both DuckDB
   and PostgreSQL run as one hash operation at any size. #}
{% macro delete_texts_no_longer_heard() -%}
    delete from {{ this }}
    where text_hash in (
        select text_hash from {{ this }}
        except
        select {{ voice_text_hash('original_text') }} from {{ ref('int_interactions_unioned') }}
    )
{%- endmacro %}
