"""Textual parses the same CSS once a test run, not once an app.

Each App has its own ``Stylesheet``, whose cache of parsed rules lives and dies with it: every
Pilot test parsed the app's and every widget's CSS again (7 % of a Pilot test's CPU).
``share_parsed_rules`` makes ``Stylesheet._parse_rules`` look in one cache of the whole run
first, keyed by what its own cache is keyed by plus the CSS variables (the theme) the rules
were parsed with. Parsed rules are only read once made (``Stylesheet.apply``), so apps can
share them. tests/ui/test_shared_stylesheets.py checks that the private names are still there
and that an app styled from the shared cache is styled as one that parsed its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.css.model import RuleSet
    from textual.css.stylesheet import Stylesheet

_PARSED: dict[tuple[Any, ...], list[RuleSet]] = {}


def share_parsed_rules() -> None:
    """Put the run-wide cache in front of ``Stylesheet._parse_rules`` (once)."""
    from textual.css.stylesheet import Stylesheet

    parse_rules = Stylesheet._parse_rules
    if getattr(parse_rules, "shared", False):
        return

    def shared(self: Stylesheet, css: str, *args: Any, **kwargs: Any) -> list[RuleSet]:
        key = (tuple(self._variables.items()), css, args, tuple(sorted(kwargs.items())))
        rules = _PARSED.get(key)
        if rules is None:
            rules = _PARSED[key] = parse_rules(self, css, *args, **kwargs)
        return rules

    shared.shared = True  # type: ignore[attr-defined]
    shared.original = parse_rules  # type: ignore[attr-defined]
    Stylesheet._parse_rules = shared  # type: ignore[method-assign]
