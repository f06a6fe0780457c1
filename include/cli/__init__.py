"""``xe``: the Experience Engine command line (console script installed by ``make install``).

Every user command is a subcommand: ``xe run``, ``xe demo generate``, ``xe load``,
``xe build``, ``xe topics fit|assign|run|list|label``, ``xe eval
topics|sentiment|demo|real-reviews|table``, ``xe bench demo|ingestion|warehouse|topics``,
``xe contract``, ``xe warehouse mirror-pg``, ``xe encoder fetch``. ``xe --help`` (and
``--help`` on every subcommand) says what each does. Modules: ``main`` (the group, errors),
``common`` (shared options, exit codes), ``pipeline`` (demo, load, build, run, contract,
warehouse, encoder), ``topics``, ``evaluate``, ``bench``.
"""

from include.cli.main import cli, main

__all__ = ["cli", "main"]
