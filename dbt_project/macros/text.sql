{# Text helpers written with regexp_replace(text, pattern, replacement, 'g'), which DuckDB
   (RE2) and PostgreSQL (ARE) both accept; no lookarounds, no dialect-only functions. #}

{# Number of CJK ideographs (U+4E00..U+9FFF) in a string. #}
{% macro cjk_char_count(column) -%}
    (length(coalesce({{ column }}, '')) - length(regexp_replace(coalesce({{ column }}, ''), '[一-鿿]', '', 'g')))
{%- endmacro %}

{# Number of runs of Latin letters (≈ English words) in a string. #}
{% macro latin_word_count(column) -%}
    (length(regexp_replace(coalesce({{ column }}, ''), '[A-Za-z]+', 'x', 'g'))
     - length(regexp_replace(coalesce({{ column }}, ''), '[A-Za-z]+', '', 'g')))
{%- endmacro %}

{# Language from the CJK share: share = cjk chars / (cjk chars + latin words), because one
   Chinese character carries about as much as one English word.
   zh: share >= 0.7; en: share <= 0.2; mixed: in between; unknown: neither CJK nor Latin
   letters (digits, emoji, punctuation only). #}
{% macro language_from_counts(cjk_chars, latin_words) -%}
    case
        when {{ cjk_chars }} + {{ latin_words }} = 0 then 'unknown'
        when 1.0 * {{ cjk_chars }} / ({{ cjk_chars }} + {{ latin_words }}) >= 0.7 then 'zh'
        when 1.0 * {{ cjk_chars }} / ({{ cjk_chars }} + {{ latin_words }}) <= 0.2 then 'en'
        else 'mixed'
    end
{%- endmacro %}

{% macro detect_language(column) -%}
    {{ language_from_counts(cjk_char_count(column), latin_word_count(column)) }}
{%- endmacro %}

{# Redact e-mail addresses and phone numbers: mainland mobile numbers (1[3-9] + 9 digits,
   optional +86 and - or space separators) and landlines with an area code and a dash.
   Replacements: <EMAIL>, <PHONE>. The digit boundaries are matched, not looked around
   (RE2 has no lookarounds), so the mobile pattern runs twice to catch two numbers that
   share one separator. #}
{% macro _redact_mobile(expr) -%}
    regexp_replace({{ expr }}, '(^|[^0-9])(\+?86[- ]?)?1[3-9][0-9][- ]?[0-9]{4}[- ]?[0-9]{4}([^0-9]|$)', '\1<PHONE>\3', 'g')
{%- endmacro %}

{% macro redact_pii(column) -%}
    regexp_replace(
      {{ _redact_mobile(_redact_mobile(
          "regexp_replace(" ~ column ~ ", '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}', '<EMAIL>', 'g')")) }},
      '(^|[^0-9])0[0-9]{2,3}-[0-9]{7,8}([^0-9]|$)', '\1<PHONE>\2', 'g')
{%- endmacro %}
