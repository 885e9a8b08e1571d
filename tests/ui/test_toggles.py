"""A ticked box and an unticked one must differ in their glyph, not only in colour."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import RadioSet

from kara_tui.ui.widgets.toggles import Choice, Tick


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield Tick("Charge the client", id="tick")
        with RadioSet(id="set"):
            yield Choice("First", id="first")
            yield Choice("Second", id="second")


async def test_glyphs_follow_the_value() -> None:
    app = Host()
    async with app.run_test() as pilot:
        tick = app.query_one("#tick", Tick)
        assert str(tick.render()).startswith("▐ ▌")
        tick.focus()
        await pilot.press("space")
        assert tick.value is True
        assert str(tick.render()).startswith("▐X▌")

        first, second = app.query_one("#first", Choice), app.query_one("#second", Choice)
        assert "●" not in str(first.render()) and "●" not in str(second.render())
        app.query_one("#set", RadioSet).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert first.value is True
        assert "●" in str(first.render()) and "●" not in str(second.render())
