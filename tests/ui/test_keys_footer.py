"""The calendar's footer shows the keys that apply, from the first frame, and is redrawn only
when they change. It is one widget drawing every key itself (KeysFooter.render)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding

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
        drawn: list[object] = []
        render = footer.render
        footer.render = lambda: drawn.append(footer) or render()  # type: ignore[method-assign]
        await pilot.press("j")  # another scheduled session: the same keys apply
        await settle(app, pilot)
        assert app.screen.selected == ids["future"]
        assert drawn == [] and _footer_line(app) == line  # not redrawn
        await pilot.press("k", "k")  # the late cancellation: no e
        await settle(app, pilot)
        assert "Cancel" in await _footer_shows(pilot, "Edit", present=False)
        assert drawn  # redrawn: its keys changed
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


class _Keys(App[None]):
    """A footer of a few keys: one disabled, one hidden, two for the same action."""

    BINDINGS = [
        ("x", "ring", "Ring"),
        ("y", "ring_again", "Ring again"),
        Binding("z", "secret", "Secret", show=False),
        ("w", "ring", "Ring too"),  # the same action: Footer shows its first key only
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rung: list[str] = []
        self.restyled: list[object] = []

    def compose(self) -> ComposeResult:
        yield KeysFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "ring_again" else True  # shown, dimmed and not run

    def action_ring(self) -> None:
        self.rung.append("ring")

    def update_styles(self, node, animate: bool = True) -> None:
        self.restyled.append(node)
        super().update_styles(node, animate)


async def test_the_footer_is_one_widget_with_every_key_drawn_and_styled_once() -> None:
    """The footer used to compose a widget per key (13 and more on the calendar), each styled,
    laid out and drawn on its own: 8 % of the calendar's start-up."""
    app = _Keys()
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        footer = app.query_one(KeysFooter)
        assert list(footer.children) == [] and footer not in app.restyled
        line = _footer_line(app)
        assert line.startswith(" x Ring  y Ring again ")
        assert "Secret" not in line and "Ring too" not in line
        assert line.endswith("▏^p palette ")  # docked at the right, as Footer has it
        # The disabled key dimmed (Textual draws dim as a colour faded into the background).
        ring, ring_again = (footer.get_style_at(line.index(d), 0) for d in ("Ring", "Ring again"))
        assert ring_again.color != ring.color and ring_again.bgcolor == ring.bgcolor


async def test_a_click_on_a_key_presses_it_and_a_disabled_one_rings_the_bell() -> None:
    app = _Keys()
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        line = _footer_line(app)
        await pilot.click(KeysFooter, offset=(line.index("Ring"), 0))
        await pilot.pause()
        assert app.rung == ["ring"]
        await pilot.click(KeysFooter, offset=(line.index("Ring again"), 0))  # disabled
        await pilot.click(KeysFooter, offset=(line.index("▏") - 2, 0))  # no key there
        await pilot.pause()
        assert app.rung == ["ring"]
