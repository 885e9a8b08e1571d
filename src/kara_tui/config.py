"""Frozen settings read from the TOML config file; an error names the file and the key."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kara_tui import paths
from kara_tui.files import write_private


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
    keys: dict[str, str] = field(default_factory=dict)  # binding id -> key, e.g. cancel = "C"
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    outbox_dir: Path | None = None
    horizon_past_days: int = 90
    horizon_future_days: int = 365
    fetch_deadline_seconds: float = 30.0
    fetch_max_bytes: int = 20_000_000
    # One sentence per value that could not be used (file, line, key); the defaults stand in.
    problems: tuple[str, ...] = ()
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    # A feed event whose end cannot be read (and has no DURATION) is kept busy this long.
    feed_unknown_length_minutes: int = 60
    # A notice in the open calendar this many minutes before a session starts (0: none).
    notify_before_session_minutes: int = 0
    # A --demo run is wholly throwaway: its outbox is in its temp dir, no SMTP, and nothing
    # (a theme chosen) is saved to the config. Never read from the file.
    demo: bool = False

    def with_changes(self, **changes: Any) -> Settings:
        return replace(self, **changes)


_TYPES: dict[str, type | tuple[type, ...]] = {
    "db_url": str,
    "theme": str,
    "privacy": bool,
    "outbox_dir": str,
    "horizon_past_days": int,
    "horizon_future_days": int,
    "fetch_deadline_seconds": (int, float),
    "fetch_max_bytes": int,
    "feed_unknown_length_minutes": int,
    "notify_before_session_minutes": int,
}
_SMTP_TYPES: dict[str, type] = {
    "host": str,
    "port": int,
    "starttls": bool,
    "user": str,
    "sender": str,
    "password_env": str,
}

# The values that make sense, inclusive: anything outside would make every sync fail, a date
# overflow, or a deadline that never comes.
_RANGES: dict[str, tuple[int, int]] = {
    "horizon_past_days": (0, 3660),
    "horizon_future_days": (1, 3660),
    "fetch_deadline_seconds": (1, 3600),
    "fetch_max_bytes": (1_000, 1_000_000_000),
    "feed_unknown_length_minutes": (1, 24 * 60),
    "notify_before_session_minutes": (0, 240),
    "smtp.port": (1, 65535),
}


def _type_name(t: type | tuple[type, ...]) -> str:
    names = {str: "text", int: "a whole number", bool: "true or false", float: "a number"}
    if isinstance(t, tuple):
        return names[t[-1]]
    return names.get(t, t.__name__)


def _problem(key: str, value: Any, expected: type | tuple[type, ...]) -> str | None:
    """Why ``value`` cannot be used for ``key``, or None when it can."""
    ok = isinstance(value, expected) and not (
        isinstance(value, bool) and bool not in _as_tuple(expected)
    )
    if not ok:
        return f"key '{key}' should be {_type_name(expected)}, not {value!r}"
    if key in _RANGES:
        low, high = _RANGES[key]
        if not low <= value <= high:  # nan compares false both ways: refused too
            return f"key '{key}' should be between {low} and {high}, not {value!r}"
    return None


def _as_tuple(t: type | tuple[type, ...]) -> tuple[type, ...]:
    return t if isinstance(t, tuple) else (t,)


def key_lines(text: str) -> dict[str, int]:
    """The line (1-based) of each ``key =`` in a TOML text, as "key" or "table.key"."""
    lines: dict[str, int] = {}
    table = ""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            table = stripped.strip("[]").strip().strip("\"'")
        elif "=" in stripped and not stripped.startswith("#"):
            key = stripped.split("=", 1)[0].strip().strip("\"'")
            lines.setdefault(f"{table}.{key}" if table else key, number)
    return lines


class _Reader:
    """Collects the usable values of one file and a sentence for each one that is not."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = key_lines(text)
        self.problems: list[str] = []

    def where(self, key: str) -> str:
        line = self.lines.get(key) or self.lines.get(key.split(".", 1)[0])
        return f"{self.path}, line {line}" if line else str(self.path)

    def reject(self, key: str, why: str) -> None:
        self.problems.append(f"{self.where(key)}: {why}; ignored, the default is used")


def load(path: Path | None = None) -> Settings:
    """Read the config file; a missing file means defaults.

    A file that cannot be read or is not TOML raises ConfigError. Otherwise every usable value
    is kept, and each one that is not is left at its default with a sentence in
    ``Settings.problems`` naming the file, the line and the key.
    """
    path = path or paths.config_file()
    if not path.exists():
        return Settings(path=path)
    import tomllib  # only with a file to read: a command run without one never loads it

    try:
        text = path.read_text(encoding="utf-8")
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read ({exc})") from exc
    reader = _Reader(path, text)
    values: dict[str, Any] = {"path": path}
    for key, value in raw.items():
        if key == "smtp":
            if not isinstance(value, dict):
                reader.reject(key, "key 'smtp' should be a table ([smtp])")
                continue
            values["smtp"] = _smtp(reader, value)
        elif key == "keys":
            if not isinstance(value, dict):
                reader.reject(key, "key 'keys' should be a table of action = \"key\"")
                continue
            keys: dict[str, str] = {}
            for action, binding in value.items():
                if isinstance(binding, str):
                    keys[action] = binding
                else:
                    reader.reject(
                        f"keys.{action}",
                        f"key 'keys.{action}' should be a key name like \"ctrl+d\", not {binding!r}",
                    )
            values["keys"] = keys
        elif key in _TYPES:
            why = _problem(key, value, _TYPES[key])
            if why is not None:
                reader.reject(key, why)
                continue
            values[key] = Path(value).expanduser() if key == "outbox_dir" else value
        else:
            reader.reject(key, f"unknown key '{key}'")
    return Settings(**values, problems=tuple(reader.problems), lines=reader.lines)


def _smtp(reader: _Reader, table: dict[str, Any]) -> SmtpSettings:
    smtp: dict[str, Any] = {}
    for skey, svalue in table.items():
        key = f"smtp.{skey}"
        if skey == "password":
            reader.reject(
                key,
                "key 'smtp.password' is not allowed: keep the password in your keyring or in "
                "the environment variable named by smtp.password_env",
            )
        elif skey not in _SMTP_TYPES:
            reader.reject(key, f"unknown key '{key}'")
        elif (why := _problem(key, svalue, _SMTP_TYPES[skey])) is not None:
            reader.reject(key, why)
        else:
            smtp[skey] = svalue
    return SmtpSettings(**smtp)


def where(settings: Settings, key: str) -> str:
    """Where ``key`` ("keys.cancel") is set: the file and its line, for a message."""
    line = settings.lines.get(key)
    if settings.path is None:
        return "config"
    return f"{settings.path}, line {line}" if line else str(settings.path)


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
    # A config kept in a dotfiles folder and linked here is written where it really is.
    target = path.resolve() if path.is_symlink() else path
    write_private(target, "\n".join(lines) + "\n")
