"""Themes from .toml files (shipped and the user's own) as Textual Themes; broken files are skipped."""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from textual.color import Color, ColorParseError
from textual.theme import Theme

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

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


@cache
def shipped_themes_dir() -> Traversable:
    """kara_tui/themes inside the installed package (the wheel puts them there); in a source
    checkout, themes/ at the top of the repository. Looked up beside this file when the package
    is on disk: importlib.resources (its readers bring zipfile) cost the calendar's start-up a
    few milliseconds, and is only needed for a package imported from a zip."""
    package = Path(__file__).resolve().parents[1]
    if package.is_dir():
        packaged = package / "themes"
        return packaged if packaged.is_dir() else package.parents[1] / "themes"
    from importlib.resources import files  # only a package in a zip needs its reader

    return files("kara_tui") / "themes"


def _colour(path: Traversable, key: str, value: object) -> str:
    if not isinstance(value, str):
        raise ThemeFileError(f"{path}: '{key}' should be a colour like \"#1c1f24\", not {value!r}")
    try:
        Color.parse(value)
    except ColorParseError:
        raise ThemeFileError(f"{path}: '{key}' = {value!r} is not a colour") from None
    return value


def parse_theme(path: Traversable, *, check: bool = True) -> Theme:
    """Read one theme file; raise ThemeFileError naming the file and the key.

    ``check=False`` skips Textual's judgement of the variables (the shipped themes, which
    tests/ui/test_themes.py holds to it, so that start-up does not pay for it).
    """
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
            if not math.isfinite(value):
                raise ThemeFileError(f"{path}: '{key}' should be a finite number, not {value!r}")
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
    theme = Theme(name=name.strip(), dark=dark, variables=checked, **colours, **numbers)  # type: ignore[arg-type]
    problem = textual_problem(theme) if check else None
    if problem is not None:
        raise ThemeFileError(f"{path}: {problem}")
    return theme


@cache
def _variable_kinds() -> dict[str, str]:
    """The CSS property each theme variable is used in, judged by Textual's own defaults:
    a colour ("auto 87%" is a text colour) or a text style ("bold", "b reverse")."""
    reference = Theme(name="reference", primary="#0178d4").to_color_system().generate()
    kinds: dict[str, str] = {}
    for name, value in {**reference, **APP_VARIABLES}.items():
        try:
            Color.parse(value)
        except ColorParseError:
            kinds[name] = "color" if value.startswith("auto") else "text-style"
        else:
            kinds[name] = "background"
    return kinds


def textual_problem(theme: Theme) -> str | None:
    """Why Textual could not draw with ``theme`` (its first bad value), or None.

    The whole theme goes through Textual: its colour system is generated, and every
    variable Textual or kara-tui knows is parsed by Textual's CSS parser in the kind of
    property it is used in. Without this, a bad value surfaces only when the first widget
    using it appears, as a crash.
    """
    try:
        generated = theme.to_color_system().generate()
    except (ValueError, ArithmeticError, TypeError):
        return "its colours cannot be computed (check luminosity_spread and text_alpha)"
    variables = {**APP_VARIABLES, **generated, **theme.variables}
    kinds = _variable_kinds()
    known = [n for n in variables if n in kinds]
    if _parses(variables, known, kinds) is None:
        return None
    base = {**APP_VARIABLES, **replace(theme, variables={}).to_color_system().generate()}
    # Which one: each alone, the file's own first (one bad value breaks the whole probe).
    for name in [*theme.variables, *(n for n in known if n not in theme.variables)]:
        alone = {**base, name: variables[name]}
        if _parses(alone, [name] if name in kinds else [], kinds) is not None:
            what = {"text-style": "a text style", None: "a CSS value"}.get(
                kinds.get(name), "a colour"
            )
            return f"variables.{name} = {variables[name]!r} is not {what}"
    return "Textual cannot use its variables"


def _parses(variables: dict[str, str], names: list[str], kinds: dict[str, str]) -> str | None:
    """None when Textual's CSS parser accepts each of ``names`` in its property, else why not."""
    from textual.css.stylesheet import Stylesheet, StylesheetError
    from textual.css.tokenizer import TokenError

    rules = "".join(f"  {kinds[n]}: ${n};\n" for n in names)
    sheet = Stylesheet(variables=variables)
    sheet.add_source("KaraThemeCheck {\n" + rules + "}\n", read_from=("theme", ""))
    try:
        sheet.parse()
    except (StylesheetError, TokenError) as exc:
        return type(exc).__name__
    return None


def load_themes(folders: Iterable[Traversable]) -> LoadedThemes:
    """Every *.toml theme in ``folders`` (later folders override earlier ones by name)."""
    themes: dict[str, Theme] = {}
    problems: list[str] = []
    shipped = str(shipped_themes_dir())
    for folder in folders:
        if not folder.is_dir():
            continue
        check = str(folder) != shipped
        toml = (p for p in folder.iterdir() if p.name.endswith(".toml") and p.is_file())
        for path in sorted(toml, key=lambda p: p.name):
            try:
                theme = parse_theme(path, check=check)
            except ThemeFileError as exc:
                problems.append(f"theme skipped: {exc}")
                continue
            themes[theme.name] = theme
    return LoadedThemes(list(themes.values()), problems)
