-- Every voice text reaching the marts has a library redaction (restricted.text_redactions by
-- the current redactor). A row here means the redaction step did not run before dbt: run
-- `xe build` (it runs include/privacy/warehouse.py first) - its text_redacted is null, so no
-- raw text leaks, but the interaction would be missing from topics and quotes.
select interaction_id, interaction_type
from {{ ref('int_interactions_unioned') }}
where original_text is not null
  and text_redacted is null
