"""``xe``: the Experience Engine command line (console script installed by ``make install``).

Every user command is a subcommand: ``xe demo generate``, ``xe load``, ``xe build``,
``xe topics fit|assign|list|label``, ``xe run``, ``xe eval topics|sentiment|demo``,
``xe bench ...``. ``xe --help`` (and ``--help`` on every subcommand) says what each does.
"""

from include.cli.main import cli, main

__all__ = ["cli", "main"]
