"""Apps share the CSS rules parsed once a run (tests/support/stylesheets.py): the same rules
for the same CSS and theme, other rules for another theme, and an app styled as it would be
had it parsed its CSS itself."""

from __future__ import annotations

import pytest
from textual.css.stylesheet import Stylesheet

from kara_tui.ui.app import KaraApp

CSS = "Static { color: $text; background: $primary; }"


def _parsed(variables: dict[str, str]) -> Stylesheet:
    sheet = Stylesheet(variables=variables)
    sheet.add_source(CSS, read_from=("test.tcss", ""))
    sheet.parse()
    return sheet


def _described(sheet: Stylesheet) -> list[tuple[object, ...]]:
    """Each rule as text (a layout compares by identity)."""
    return [
        (rule.selectors, rule.is_default_rules, rule.tie_breaker, repr(rule.styles.get_rules()))
        for rule in sheet.rules
    ]


def test_the_same_css_and_theme_are_parsed_once_another_theme_again() -> None:
    # If this fails after a Textual upgrade, Stylesheet's parse moved: update stylesheets.py.
    assert getattr(Stylesheet._parse_rules, "shared", False)
    red = {"text": "red", "primary": "blue"}
    assert _parsed(red).rules == _parsed(dict(red)).rules  # the very same RuleSets
    green = _parsed({"text": "green", "primary": "blue"})
    assert green.rules != _parsed(red).rules
    assert "color: #008000" in green.css and "color: #FF0000" in _parsed(red).css


async def test_an_app_is_styled_as_by_its_own_parse(
    empty_app: KaraApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with empty_app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        shared = empty_app.stylesheet
        monkeypatch.setattr(Stylesheet, "_parse_rules", Stylesheet._parse_rules.original)
        own = Stylesheet(variables=shared._variables)
        own.source = shared.source.copy()
        own.parse()
        assert _described(own) == _described(shared)
        assert len(own.rules) > 50
