"""Helpers shared by tests across packages."""

from __future__ import annotations

import os

import pytest


def missing_resource(message: str) -> None:
    """A test's external resource (PostgreSQL, ../shared/data) is absent.

    CI always provides them, so there the test fails; elsewhere it skips with the message.
    """
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
