"""dbt-duckdb plugin: every dbt process refreshes ``restricted.text_redactions`` first.

Declared in ``dbt_project/profiles.yml`` (``plugins: - module: include.privacy.dbt_plugin``).
dbt-duckdb calls :meth:`Plugin.configure_connection` once, on the connection it opens before
any model runs, so the build, the cosmos tasks of the build_warehouse DAG, ``xe build``,
the tests and the evaluation scratch warehouses all read redactions of every raw voice text
by the current redactor - none can build ``int_interactions_unioned`` on stale or missing
ones. The refresh is incremental: when an earlier step (``xe build``, the DAG's
``redact_voice_texts`` task) has run, it only checks and finds nothing to do.
"""

from __future__ import annotations

import logging

from dbt.adapters.duckdb.plugins import BasePlugin

log = logging.getLogger(__name__)


class Plugin(BasePlugin):
    """Runs :func:`include.privacy.warehouse.refresh_duckdb_connection` on dbt's connection."""

    def configure_connection(self, conn) -> None:
        from include.privacy.warehouse import refresh_duckdb_connection

        result = refresh_duckdb_connection(conn)
        log.info(result.summary())
