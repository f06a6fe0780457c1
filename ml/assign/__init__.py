"""Assign new documents to a saved version's topics without refitting.

Public API::

    from ml.assign import assign_documents, MODES

Modules: :mod:`~ml.assign.modes` (``accurate`` / ``balanced`` / ``fast`` assignment and the
``balanced`` margin calibration), :mod:`~ml.assign.student` (the static student distilled at
every fit for fast assignment).
"""

from ml.assign.modes import MODES, Assignment, assign_documents

__all__ = ["MODES", "Assignment", "assign_documents"]
