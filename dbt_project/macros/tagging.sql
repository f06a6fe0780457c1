{# Service-element keyword matching (fct_interactions), the same on DuckDB and PostgreSQL:
   only lower(), regexp_replace(..., 'g'), || and position(), no \b or lookarounds (the
   word-boundary escapes differ between RE2 and PostgreSQL's ARE).

   Two match modes, decided by the keyword itself:
   * word: a keyword made only of printable ASCII ("refund", "on hold", "top-up",
     "doesn't work") matches whole words. Text and keyword are both reduced to runs of
     [a-z0-9] separated by single spaces and padded with a space, so "breakfast" does not
     contain "fast", "coffee" not "fee", "show" not "how"; multi-word keywords match as a
     phrase. Punctuation is never evidence: a keyword with no [a-z0-9] ("?") matches nothing.
   * substring: a keyword with at least one Han character (the language rule's han_ranges:
     "物流", "双11") is looked for in the lower-cased text. SQL has no Chinese word
     segmentation, so the seed keeps only multi-character, unambiguous Chinese keywords
     (tests/dbt/test_tagging_seed.py checks the seed).
   * none: anything else (full-width punctuation such as "？", emoji) never matches. #}

{# Words of a text: " w1 w2 ... " (lower-case [a-z0-9] runs, space-padded). #}
{% macro tagging_words(column) -%}
    (' ' || trim(regexp_replace(lower(coalesce({{ column }}, '')), '[^a-z0-9]+', ' ', 'g')) || ' ')
{%- endmacro %}

{# 'word' for a printable-ASCII keyword, 'substring' for one with a Han character, else 'none'. #}
{% macro tagging_match_mode(keyword) -%}
    case
        when regexp_replace({{ keyword }}, '[ -~]', '', 'g') = '' then 'word'
        when {{ cjk_char_count(keyword) }} > 0 then 'substring'
        else 'none'
    end
{%- endmacro %}

{# The keyword in the form its mode compares: padded words, or the lower-cased keyword. #}
{% macro tagging_pattern(keyword) -%}
    case
        when {{ tagging_match_mode(keyword) }} = 'word' then {{ tagging_words(keyword) }}
        else lower({{ keyword }})
    end
{%- endmacro %}

{# True when a prepared keyword (tagging_pattern, tagging_match_mode) occurs in a text
   prepared as lower(text) and tagging_words(text). #}
{% macro tagging_keyword_matches(pattern, match_mode, text_lower, text_words) -%}
    (case
        when {{ match_mode }} = 'word'
            then {{ pattern }} <> '  ' and {{ dbt.position(pattern, text_words) }} > 0
        when {{ match_mode }} = 'substring'
            then {{ dbt.position(pattern, text_lower) }} > 0
        else false
    end)
{%- endmacro %}
