"""Personal data (PII) redaction: what reaches marts, topics, insight, alerts and reports.

Public API: :func:`redact`, :func:`redact_many`, :func:`find_pii`, :data:`KINDS`,
:data:`PLACEHOLDERS`, :func:`redactor_version`. The warehouse step lives in
:mod:`include.privacy.warehouse`; scoring a labelled CSV in :mod:`include.privacy.evaluation`.
See docs/privacy.md.
"""

from include.privacy.redactor import (
    KINDS,
    PLACEHOLDERS,
    RedactionResult,
    Span,
    find_pii,
    redact,
    redact_many,
    redactor_version,
)

__all__ = ["KINDS", "PLACEHOLDERS", "RedactionResult", "Span", "find_pii", "redact", "redact_many",
           "redactor_version"]
