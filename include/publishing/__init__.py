"""Validated publishing: GX checkpoints gate what BI users can read (``validate``, ``publish``)."""
