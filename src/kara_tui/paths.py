"""Where kara-tui keeps its config, data, database, outbox, themes and crash logs."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_path, user_data_path, user_state_path

APP = "kara-tui"


def config_dir() -> Path:
    return user_config_path(APP, appauthor=False)


def config_file() -> Path:
    """The preferences file: ``$KARA_CONFIG`` if set, else config.toml in the config dir."""
    env = os.environ.get("KARA_CONFIG")
    return Path(env).expanduser() if env else config_dir() / "config.toml"


def data_dir() -> Path:
    return user_data_path(APP, appauthor=False)


def default_database_url() -> str:
    return f"sqlite:///{data_dir() / 'kara.db'}"


def outbox_dir() -> Path:
    return data_dir() / "outbox"


def user_themes_dir() -> Path:
    return config_dir() / "themes"


def state_dir() -> Path:
    """Logs and crash reports."""
    return user_state_path(APP, appauthor=False)


def private_dir(path: Path) -> Path:
    """Create ``path`` readable by its owner only (client data lives below it)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path
