{# Text helpers written with regexp_replace(text, pattern, replacement, 'g'), which DuckDB
   (RE2) and PostgreSQL (ARE) both accept; no lookarounds, no dialect-only functions. #}

{# Language detection: ONE rule, shared with the topic engine. Its parameters are the
   `language_rule` var in dbt_project.yml, which ml/language.py reads too, so
   fct_interactions.language and the topic engine's routing always agree
   (tests/ml/test_language.py runs this SQL and the Python on the same texts). #}
{% macro _language_rule() -%}
    {{ return(var('language_rule')) }}
{%- endmacro %}

{# Number of Han characters (the rule's han_ranges) in a string. #}
{% macro cjk_char_count(column) -%}
    (length(coalesce({{ column }}, '')) - length(regexp_replace(coalesce({{ column }}, ''), '[{{ _language_rule()["han_ranges"] }}]', '', 'g')))
{%- endmacro %}

{# Number of runs of Latin letters (≈ English words) in a string. #}
{% macro latin_word_count(column) -%}
    (length(regexp_replace(coalesce({{ column }}, ''), '[A-Za-z]+', 'x', 'g'))
     - length(regexp_replace(coalesce({{ column }}, ''), '[A-Za-z]+', '', 'g')))
{%- endmacro %}

{# The text without the rule's ignored placeholders (<EMAIL>, <PHONE>). #}
{% macro language_evidence(column) -%}
    regexp_replace(coalesce({{ column }}, ''), '{{ _language_rule()["ignore_pattern"] }}', '', 'g')
{%- endmacro %}

{# Language from the Han share: han / (han + latin_word_weight * latin_words).
   zh: share >= zh_min_han_share; en: share <= en_max_han_share; mixed: in between;
   unknown: neither Han characters nor Latin words (digits, emoji, punctuation only). #}
{% macro language_from_counts(cjk_chars, latin_words) -%}
    {%- set rule = _language_rule() -%}
    case
        when {{ cjk_chars }} + {{ latin_words }} = 0 then 'unknown'
        when 1.0 * {{ cjk_chars }} / ({{ cjk_chars }} + {{ rule["latin_word_weight"] }} * {{ latin_words }}) >= {{ rule["zh_min_han_share"] }} then 'zh'
        when 1.0 * {{ cjk_chars }} / ({{ cjk_chars }} + {{ rule["latin_word_weight"] }} * {{ latin_words }}) <= {{ rule["en_max_han_share"] }} then 'en'
        else 'mixed'
    end
{%- endmacro %}

{% macro detect_language(column) -%}
    {{ language_from_counts(cjk_char_count(language_evidence(column)), latin_word_count(language_evidence(column))) }}
{%- endmacro %}

{# The key of a voice text in restricted.text_redactions: hex SHA-256 of its UTF-8 bytes
   (include.privacy.warehouse.text_sha256 computes the same in Python). Redaction itself is
   not SQL: the library redactor (include/privacy, docs/privacy.md) writes that table. #}
{% macro text_sha256(column) -%}
    {%- if target.type == 'postgres' -%}
        encode(sha256(convert_to({{ column }}, 'UTF8')), 'hex')
    {%- else -%}
        sha256({{ column }})
    {%- endif -%}
{%- endmacro %}
