"""What the e2e tests share: a private environment for kara-tui and a tmux terminal."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.tmux import Terminal

NOW = "2026-11-18T12:30:00+00:00"  # a Wednesday afternoon in London


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """Config, state and data under tmp_path; notices to an outbox folder (never sent)."""
    config = tmp_path / "config.toml"
    config.write_text(f"outbox_dir = {json.dumps(str(tmp_path / 'outbox'))}\n")
    return {
        **os.environ,
        "KARA_NOW": NOW,
        "KARA_CONFIG": str(config),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }


@pytest.fixture
def terminal(env: dict[str, str]) -> Iterator[Terminal]:
    term = Terminal(env)
    yield term
    term.stop()
