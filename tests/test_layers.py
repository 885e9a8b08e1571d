"""The layers stay light: headless code never loads Textual, and importing the package loads nothing."""

from __future__ import annotations

import subprocess
import sys

HEADLESS = [
    "kara_tui.domain",
    "kara_tui.policy.cancellation",
    "kara_tui.policy.conflicts",
    "kara_tui.db.rows",
    "kara_tui.db.schema",
    "kara_tui.ical.parse",
    "kara_tui.ical.fetch",
    "kara_tui.ical.export",
    "kara_tui.services.practice",
    "kara_tui.services.feeds",
    "kara_tui.services.outbox",
    "kara_tui.services.report",
    "kara_tui.services.demo",
]


def _loaded_after(code: str) -> set[str]:
    probe = code + "\nimport sys\nprint('\\n'.join(sorted(sys.modules)))\n"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_headless_layers_never_load_textual() -> None:
    loaded = _loaded_after("\n".join(f"import {m}" for m in HEADLESS))
    assert "textual" not in loaded


def test_importing_the_package_loads_nothing_heavy() -> None:
    loaded = _loaded_after("import kara_tui")
    assert not {"sqlalchemy", "textual", "icalendar", "alembic", "httpx"} & loaded


def test_the_cli_parser_is_built_without_textual_or_alembic() -> None:
    loaded = _loaded_after("import kara_tui.cli as c\nc.build_parser()")
    assert not {"textual", "alembic"} & loaded
