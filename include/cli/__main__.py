"""``python -m include.cli`` is ``xe`` (for environments without the console script)."""

from include.cli.main import main

raise SystemExit(main())
