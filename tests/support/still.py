"""Pilot waits for the app to be still, not for the clock.

Textual's Pilot waits after each key and each ``pause()`` with ``textual._wait.wait_for_idle``:
it sleeps in 20 ms slices until one slice passes with almost no CPU used. Every key costs
two such waits (40 ms or more, however little the key does), and they were most of the time
of the Pilot tests. ``wait_until_still`` waits for the condition those sleeps stand in for:
no message queued anywhere in the app, the current screen has nothing left to lay out or
paint (its own update timer does that) and no callback waiting for the paint, no animation
and no worker unfinished; twice running, a turn of the event loop apart. It gives up after
``max_sleep`` seconds, as Textual's wait does.

``install`` puts it where Pilot and ``App._press_keys`` look for ``wait_for_idle``;
tests/ui/test_pilot_still.py checks that those names are still there.

``install`` also stops a headless app from painting each frame of its screen for a terminal
that throws it away (a third of a Pilot test's CPU went to those frames): ``paint`` draws the
screen once when a test has waited for the app to be still (``settle``), as a person sees it.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App
    from textual.message_pump import MessagePump

# The modules of Textual that call ``wait_for_idle`` in the Pilot's path (imported by name).
PATCHED_MODULES = ("textual.app", "textual.pilot")

# Turns of the event loop spent on ``sleep(0)`` before sleeping for real (a worker's thread or
# a timer is then what is left, and a busy loop would only take the GIL from it).
_QUICK_TURNS = 50
_SLICE = 0.001


def _busy(pump: MessagePump) -> bool:
    queue = pump.__dict__.get("_message_queue")  # a cached_property: absent until first used
    return bool(
        pump._next_callbacks
        or pump._pending_message is not None
        or (queue is not None and not queue.empty())
    )


def _screen_pending(app: App[object]) -> bool:
    screen = app.screen
    return bool(
        screen._layout_required
        or screen._scroll_required
        or screen._repaint_required
        or screen._recompose_required
        or screen._dirty_widgets
        or screen._callbacks
    )


def is_still(app: App[object]) -> bool:
    """Nothing queued, handled, painted, animated or worked on in ``app`` right now."""
    if app._closing or app._closed or app._exception is not None:
        return True
    # The cheap questions first: most turns of a busy app end at one of them, before the
    # walk over every node's queue.
    if app._animator._animations or app._animator._scheduled:
        return False
    if not all(worker.is_finished for worker in app.workers):
        return False
    try:
        if _screen_pending(app):
            return False
    except Exception:  # no screen yet, or the app is shutting down: only the queues tell
        pass
    return not (_busy(app) or any(_busy(node) for node in list(app._registry)))


async def wait_until_still(min_sleep: float = 0.0, max_sleep: float = 1.0) -> None:
    """A drop-in for ``textual._wait.wait_for_idle`` that waits for ``is_still`` twice running
    (a message handled can post another one on the next turn of the loop)."""
    from textual._context import active_app

    app = active_app.get()
    start = time.monotonic()
    still = turns = 0
    while still < 2:
        elapsed = time.monotonic() - start
        if elapsed >= max_sleep:
            return
        turns += 1
        await asyncio.sleep(0 if turns < _QUICK_TURNS else _SLICE)
        if is_still(app):
            still += 1
            continue
        still = 0
    if min_sleep:
        await asyncio.sleep(max(0.0, min_sleep - (time.monotonic() - start)))


def paint(app: App[object]) -> None:
    """Draw the whole screen, as the terminal would show it now (what ``install`` skips), with
    the screens under a dialog as the real frame draws them."""
    app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)


def install() -> None:
    """Make Pilot (keys, ``pause()``, ``exit()``) wait with ``wait_until_still``, and headless
    apps skip the frames that no terminal shows."""
    import importlib

    from textual._compositor import Compositor
    from textual._context import active_app, visible_screen_stack

    render_update = Compositor.render_update

    def frame(self: Compositor, full: bool = False, **kwargs: Any) -> Any:
        if full or not active_app.get().is_headless:
            return render_update(self, full, **kwargs)
        # What drawing the frame would have done besides drawing it.
        visible_screen_stack.set(kwargs.get("screen_stack") or [])
        self._dirty_regions.clear()
        return None

    Compositor.render_update = frame  # type: ignore[method-assign]

    for name in PATCHED_MODULES:
        module = importlib.import_module(name)
        assert hasattr(module, "wait_for_idle"), f"{name} no longer uses wait_for_idle"
        module.wait_for_idle = wait_until_still  # type: ignore[attr-defined]
