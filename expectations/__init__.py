"""Great Expectations suites as code, one per table family (``expectations.suites``).

``include.publishing.validate`` runs them as GX 1.x checkpoints over DataFrame batches before
anything is published to BI; ``docs/validation.md`` lists what each suite checks.
"""
