"""Frozen settings read from the TOML config file; an error names the file and the key."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kara_tui import paths


class ConfigError(Exception):
    """The config file is broken; the message names the file and the key."""


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str = ""
    port: int = 587
    starttls: bool = True
    user: str = ""
    sender: str = ""  # the From: address; the professional's email when empty
    password_env: str = "KARA_SMTP_PASSWORD"  # never the password itself


@dataclass(frozen=True, slots=True)
class Settings:
    """App preferences. Practice rules (fees, windows) live in the database, not here."""

    path: Path | None = None
    db_url: str | None = None
    theme: str = "kara-dark"
    privacy: bool = False
    week_start_hour: int | None = None
    keys: dict[str, str] = field(default_factory=dict)  # binding id -> key, e.g. cancel = "C"
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    outbox_dir: Path | None = None
    horizon_past_days: int = 90
    horizon_future_days: int = 365
    fetch_deadline_seconds: float = 30.0
    fetch_max_bytes: int = 20_000_000
    # A --demo run is wholly throwaway: its outbox is in its temp dir, no SMTP, and nothing
    # (a theme chosen) is saved to the config. Never read from the file.
    demo: bool = False

    def with_changes(self, **changes: Any) -> Settings:
        return replace(self, **changes)


_TYPES: dict[str, type | tuple[type, ...]] = {
    "db_url": str,
    "theme": str,
    "privacy": bool,
    "week_start_hour": int,
    "outbox_dir": str,
    "horizon_past_days": int,
    "horizon_future_days": int,
    "fetch_deadline_seconds": (int, float),
    "fetch_max_bytes": int,
}
_SMTP_TYPES: dict[str, type] = {
    "host": str,
    "port": int,
    "starttls": bool,
    "user": str,
    "sender": str,
    "password_env": str,
}


def _type_name(t: type | tuple[type, ...]) -> str:
    names = {str: "text", int: "a whole number", bool: "true or false", float: "a number"}
    if isinstance(t, tuple):
        return names[t[-1]]
    return names.get(t, t.__name__)


def _check(path: Path, key: str, value: Any, expected: type | tuple[type, ...]) -> None:
    ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
    if not ok:
        raise ConfigError(f"{path}: key '{key}' should be {_type_name(expected)}, not {value!r}")


def load(path: Path | None = None) -> Settings:
    """Read the config file; a missing file means defaults."""
    path = path or paths.config_file()
    if not path.exists():
        return Settings(path=path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read ({exc})") from exc
    values: dict[str, Any] = {"path": path}
    for key, value in raw.items():
        if key == "smtp":
            if not isinstance(value, dict):
                raise ConfigError(f"{path}: key 'smtp' should be a table ([smtp])")
            smtp: dict[str, Any] = {}
            for skey, svalue in value.items():
                if skey == "password":
                    raise ConfigError(
                        f"{path}: key 'smtp.password' is not allowed: keep the password in your "
                        "keyring or in the environment variable named by smtp.password_env"
                    )
                if skey not in _SMTP_TYPES:
                    raise ConfigError(f"{path}: unknown key 'smtp.{skey}'")
                _check(path, f"smtp.{skey}", svalue, _SMTP_TYPES[skey])
                smtp[skey] = svalue
            values["smtp"] = SmtpSettings(**smtp)
        elif key == "keys":
            if not isinstance(value, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in value.items()
            ):
                raise ConfigError(f"{path}: key 'keys' should be a table of action = \"key\"")
            values["keys"] = dict(value)
        elif key in _TYPES:
            _check(path, key, value, _TYPES[key])
            values[key] = Path(value).expanduser() if key == "outbox_dir" else value
        else:
            raise ConfigError(f"{path}: unknown key '{key}'")
    return Settings(**values)


def _toml_value(value: str | bool | int) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def save_value(path: Path, key: str, value: str | bool | int) -> None:
    """Set one top-level key in the config file, keeping the rest of the file as it is."""
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    first_table = next(
        (i for i, line in enumerate(lines) if line.lstrip().startswith("[")), len(lines)
    )
    new_line = f"{key} = {_toml_value(value)}"
    for i in range(first_table):
        if lines[i].split("=", 1)[0].strip() == key:
            lines[i] = new_line
            break
    else:
        lines.insert(first_table, new_line)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(path)
