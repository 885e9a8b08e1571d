"""A whole ``kara-tui`` process run under ``python -X importtime``, and the modules it loaded:
what a command imports is part of how fast it starts."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True)
class TimedRun:
    """A finished run: its exit status, its output, and every module it imported."""

    returncode: int
    stdout: str
    stderr: str
    loaded: frozenset[str]


def run_cli(*args: str, db_url: str, now: datetime, home: Path) -> TimedRun:
    """``python -X importtime -m kara_tui ARGS`` on ``db_url`` at ``now``; its config and state
    under ``home`` (no config file there unless the test writes one)."""
    env = {
        **os.environ,
        "KARA_DB": db_url,
        "KARA_NOW": now.isoformat(),
        "KARA_CONFIG": str(home / "config.toml"),
        "XDG_STATE_HOME": str(home / "state"),
    }
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "kara_tui", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # -X importtime writes "import time: self | cumulative | module" lines to stderr.
    loaded = frozenset(
        line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines() if "|" in line
    )
    return TimedRun(run.returncode, run.stdout, run.stderr, loaded)
