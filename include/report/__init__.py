"""The weekly insight report: one self-contained HTML page per ISO week, built only from the
published (validated) ``bi`` tables (``include.report.build``)."""
