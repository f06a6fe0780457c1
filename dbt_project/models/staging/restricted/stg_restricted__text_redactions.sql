-- One row per distinct raw voice text: the redacted copy written by include/privacy (the
-- library redactor, docs/privacy.md). The raw text itself is not here: only its SHA-256.
with

source as (
    select * from {{ source('restricted', 'text_redactions') }}
),

renamed as (
    select
        cast(text_sha256 as {{ dbt.type_string() }}) as text_sha256,
        cast(text_redacted as {{ dbt.type_string() }}) as text_redacted,
        cast(pii_kinds as {{ dbt.type_string() }}) as pii_kinds,
        cast(redactor_version as {{ dbt.type_string() }}) as redactor_version
    from source
)

select * from renamed
