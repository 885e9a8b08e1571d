"""Themes from .toml files (shipped and the user's own) as Textual Themes; broken files are skipped."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from textual.color import Color, ColorParseError
from textual.theme import Theme

DEFAULT_THEME = "kara-dark"

# The calendar's own colours, so a theme can say how each session state looks. The CSS uses
# them as $session-scheduled and so on; these defaults make any Textual theme usable too.
APP_VARIABLES: dict[str, str] = {
    "session-scheduled": "#6fa8dc",
    "session-attended": "#7fbf7f",
    "session-no-show": "#e08a5f",
    "session-cancelled": "#7c8088",
    "session-late": "#e0b050",
    "session-conflict": "#ff6b6b",
    "session-external": "#a08fc8",
    "session-time-off": "#3a3440",
    "calendar-off-hours": "#202328",
    "calendar-today": "#d7af5f",
}

_COLOUR_KEYS = (
    "primary",
    "secondary",
    "warning",
    "error",
    "success",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
)


class ThemeFileError(ValueError):
    """A theme file that cannot be used; the message names the file."""


@dataclass(frozen=True, slots=True)
class LoadedThemes:
    themes: list[Theme]
    problems: list[str]  # one sentence per skipped file, naming its path


def shipped_themes_dir() -> Traversable:
    """kara_tui/themes inside the installed package (the wheel puts them there), found through
    importlib.resources so it works wherever the package is installed; in a source checkout,
    themes/ at the top of the repository."""
    packaged = files("kara_tui") / "themes"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "themes"


def _colour(path: Traversable, key: str, value: object) -> str:
    if not isinstance(value, str):
        raise ThemeFileError(f"{path}: '{key}' should be a colour like \"#1c1f24\", not {value!r}")
    try:
        Color.parse(value)
    except ColorParseError:
        raise ThemeFileError(f"{path}: '{key}' = {value!r} is not a colour") from None
    return value


def parse_theme(path: Traversable) -> Theme:
    """Read one theme file; raise ThemeFileError naming the file and the key."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ThemeFileError(f"{path}: not valid TOML ({exc})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ThemeFileError(f"{path}: cannot be read ({exc})") from None
    name = raw.get("name", path.name.removesuffix(".toml"))
    if not isinstance(name, str) or not name.strip():
        raise ThemeFileError(f"{path}: 'name' should be text")
    if "primary" not in raw:
        raise ThemeFileError(f"{path}: 'primary' colour is missing")
    colours = {key: _colour(path, key, raw[key]) for key in _COLOUR_KEYS if key in raw}
    dark = raw.get("dark", True)
    if not isinstance(dark, bool):
        raise ThemeFileError(f"{path}: 'dark' should be true or false")
    numbers: dict[str, float] = {}
    for key in ("luminosity_spread", "text_alpha"):
        if key in raw:
            value = raw[key]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ThemeFileError(f"{path}: '{key}' should be a number")
            numbers[key] = float(value)
    variables = raw.get("variables", {})
    if not isinstance(variables, dict):
        raise ThemeFileError(f"{path}: [variables] should be a table")
    checked = {
        str(key): _colour(path, f"variables.{key}", value)
        if str(key) in APP_VARIABLES
        else str(value)
        for key, value in variables.items()
    }
    unknown = set(raw) - {*_COLOUR_KEYS, "name", "dark", "variables", *numbers}
    if unknown:
        raise ThemeFileError(f"{path}: unknown key '{sorted(unknown)[0]}'")
    return Theme(name=name.strip(), dark=dark, variables=checked, **colours, **numbers)  # type: ignore[arg-type]


def load_themes(folders: Iterable[Traversable]) -> LoadedThemes:
    """Every *.toml theme in ``folders`` (later folders override earlier ones by name)."""
    themes: dict[str, Theme] = {}
    problems: list[str] = []
    for folder in folders:
        if not folder.is_dir():
            continue
        toml = (p for p in folder.iterdir() if p.name.endswith(".toml") and p.is_file())
        for path in sorted(toml, key=lambda p: p.name):
            try:
                theme = parse_theme(path)
            except ThemeFileError as exc:
                problems.append(f"theme skipped: {exc}")
                continue
            themes[theme.name] = theme
    return LoadedThemes(list(themes.values()), problems)
