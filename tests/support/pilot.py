"""Pilot helpers: wait until the app is still, and read the screen as a person does."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from textual.app import App
from textual.pilot import Pilot
from textual.worker import WorkerFailed

from support.still import paint

if TYPE_CHECKING:
    from textual.widgets import Input


async def settle(app: App[object] | Pilot[object], pilot: Pilot[object] | None = None) -> None:
    """Let every worker finish and every message it posted be handled (they can chain).

    Called as ``settle(app, pilot)``, or ``settle(pilot)`` (a snapshot's run_before too).
    """
    if pilot is None:
        assert isinstance(app, Pilot)
        pilot = app
    app = pilot.app
    still = 0
    for _ in range(12):
        # A failed worker is reported by the app (a notification); tests check that.
        with contextlib.suppress(WorkerFailed):
            await app.workers.wait_for_complete()
        await pilot.pause()
        # Still twice running: a screen pushed by a key starts its worker only once mounted,
        # which on a loaded machine can come a pass after the key's own work is done.
        still = still + 1 if not any(w.is_running for w in app.workers) else 0
        if still == 2:
            break
    await pilot.pause()
    paint(app)  # the frames in between are not drawn (support/still.py)


async def type_text(pilot: Pilot[object], text: str) -> None:
    """Put ``text`` into the focused input at once, as a paste would, for tests that are not
    about typing (pressing each key makes a Pilot test many times slower)."""
    from textual.widgets import Input

    focused = pilot.app.focused
    if isinstance(focused, Input):
        focused.insert_text_at_cursor(text)
        await pilot.pause()
    else:
        await pilot.press(*text)


def field(app: App[object], name: str) -> Input:
    """The input ``#name`` on the current screen."""
    from textual.widgets import Input

    return app.screen.query_one(f"#{name}", Input)


async def retype(
    pilot: Pilot[object], app: App[object], name: str, text: str, *, by_key: bool = False
) -> None:
    """Clear the input ``#name`` and put ``text`` in it: at once (``type_text``), or key by key
    as a person types (``by_key``, for the tests about typing, such as money)."""
    field(app, name).focus()
    await pilot.press("ctrl+a", "ctrl+k")
    if by_key:
        await pilot.press(*text)
    else:
        await type_text(pilot, text)


def screen_text(app: App[object]) -> str:
    """The whole terminal as plain text, the way a person reads it."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def notices(app: App[object]) -> str:
    """Every notification shown so far, one per line."""
    return "\n".join(n.message for n in app._notifications)


def shown(app: App[object], selector: str) -> str:
    """The plain text a Static on the current screen was given."""
    from textual.widgets import Static

    return str(app.screen.query_one(selector, Static).content)
