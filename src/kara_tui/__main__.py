"""Entry point for ``python -m kara_tui``."""

from kara_tui.cli import main

raise SystemExit(main())
