"""The calendar's footer shows the keys that apply, from the first frame, and is rebuilt only
when they change (each rebuild is a layout of the whole screen)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets._footer import FooterKey

from calendar_kit import screen_text, settle
from kara_tui.ui.widgets.keys_footer import KeysFooter


def _footer_line(app) -> str:
    return screen_text(app).splitlines()[-1]


async def _footer_shows(pilot, wanted: str, *, present: bool = True) -> str:
    """The footer rebuilds itself after the next refresh: wait (up to 2 s) for it."""
    for _ in range(40):
        line = _footer_line(pilot.app)
        if (wanted in line) == present:
            return line
        await pilot.pause(0.05)
    raise AssertionError(f"footer {'without' if present else 'with'} {wanted!r}: {line!r}")


async def test_the_footer_follows_the_selection_and_keeps_its_keys_otherwise(app, ids) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        footer = app.screen.query_one(KeysFooter)
        assert app.screen.selected == ids["past"]
        line = _footer_line(app)
        assert "Cancel" in line and "Attended" in line and "Edit" in line
        keys = list(footer.children)
        await pilot.press("j")  # another scheduled session: the same keys apply
        await settle(app, pilot)
        assert app.screen.selected == ids["future"]
        assert list(footer.children) == keys  # not rebuilt
        await pilot.press("k", "k")  # the late cancellation: no e
        await settle(app, pilot)
        assert "Cancel" in await _footer_shows(pilot, "Edit", present=False)
        await pilot.press("h", "h", "h")  # Saturday 14: nothing selected
        await settle(app, pilot)
        assert app.screen.selected is None
        assert "New" in await _footer_shows(pilot, "Cancel", present=False)
        await pilot.press("t")  # today again: a session, and its keys
        await settle(app, pilot)
        assert app.screen.selected == ids["past"]
        await _footer_shows(pilot, "Cancel")


async def test_an_empty_practice_has_its_keys_from_the_first_frame(empty_app) -> None:
    async with empty_app.run_test(size=(120, 40)) as pilot:
        await settle(empty_app, pilot)
        await pilot.press("escape")  # the welcome screen
        await settle(empty_app, pilot)
        line = _footer_line(empty_app)
        assert "New" in line and "Help" in line and "Cancel" not in line


class _Restyles(App[None]):
    """Two keys in the footer, and every node whose styles are recomputed after mounting."""

    BINDINGS = [("x", "bell", "Ring"), ("y", "ring_again", "Ring again")]

    def __init__(self) -> None:
        super().__init__()
        self.restyled: list[object] = []

    def compose(self) -> ComposeResult:
        yield KeysFooter()

    def update_styles(self, node, animate: bool = True) -> None:
        self.restyled.append(node)
        super().update_styles(node, animate)


async def test_the_footer_keys_are_styled_once_as_compact_as_the_footer() -> None:
    """Each key used to start compact and be made wide by its binding to the footer: its
    styles recomputed twice while the calendar's first frame was being made."""
    app = _Restyles()
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        footer = app.query_one(KeysFooter)
        keys = list(footer.query(FooterKey).exclude(".-command-palette"))
        assert len(keys) == 2 and "Ring again" in _footer_line(app)
        assert not any(key in app.restyled for key in keys)
        assert not any(key.has_class("-compact") for key in keys)
        assert footer.query_one(".-command-palette").has_class("-compact")  # as Textual has it
        footer.compact = True  # the binding to the footer still works
        await pilot.pause()
        assert all(key.has_class("-compact") for key in keys)
