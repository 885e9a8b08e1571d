"""Keys typed faster than the app draws land where the person meant them.

Textual hands a key to the focused widget's own queue and moves the focus for tab only once
that key has gone round it; the keys typed after tab, already read by then, went into the
field tab was leaving (an e2e run under load typed the address's "ht" into the name). The
app moves the focus itself, before it reads the next key."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from kara_tui.ui.screens.target_form import TargetForm
from support import feeds_screen
from support.feeds_screen import open_feeds
from support.pilot import settle

keyring, app = feeds_screen.keyring, feeds_screen.app


def burst(app, keys: list[str]) -> None:
    """Keys as a fast typist's terminal delivers them: all read before any is handled."""
    for key in keys:
        character = {"tab": "\t", "shift+tab": None}.get(key, key)
        app.post_message(events.Key(key, character))


def fields(app) -> tuple[str, str]:
    screen = app.screen
    return screen.query_one("#name", Input).value, screen.query_one("#target", Input).value


async def test_letters_typed_right_after_tab_go_to_the_next_field(app, cal_practice) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_feeds(app, pilot)
        await pilot.press("t")
        await settle(app, pilot)
        assert isinstance(app.screen, TargetForm)
        burst(app, ["P", "h", "o", "n", "e", "tab", "h", "t", "t", "p"])
        await settle(app, pilot)
        assert fields(app) == ("Phone", "http")
        # a field the focus comes to has its text selected: what is typed replaces it
        burst(app, ["shift+tab", "A", "tab", "B"])
        await settle(app, pilot)
        assert fields(app) == ("A", "B")


async def test_keys_typed_right_after_q_do_nothing_and_the_app_quits_cleanly(
    app, cal_practice
) -> None:
    """q, then more letters before the app has closed: an `e` among them opened a session form
    on the closing app, which failed to mount, and the app ended as a crash (status 70)."""
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.screen.selected is not None  # so that `e` would edit a session
        burst(app, ["q", "u", "e", "s", "t", "i", "o", "n"])
        await pilot.pause(0.5)
    assert app.return_code == 0
    assert app.crash is None
