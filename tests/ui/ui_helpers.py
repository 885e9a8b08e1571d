"""Helpers for the calendar's Pilot tests: the fixed moment, settling workers, reading the screen."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

from textual.worker import WorkerFailed

from kara_tui.ui.app import KaraApp

# Wednesday 18 November 2026, 12:30 in London (GMT): the morning is past, the afternoon ahead.
UI_NOW = datetime(2026, 11, 18, 12, 30, tzinfo=UTC)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A time in November 2026, London (GMT = UTC in November)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


async def settle(app: KaraApp, pilot: object) -> None:
    """Let every worker finish and every message it posted be handled (they can chain)."""
    for _ in range(4):
        # A failed worker is reported by the app (a notification); tests check that.
        with contextlib.suppress(WorkerFailed):
            await app.workers.wait_for_complete()
        await pilot.pause()  # type: ignore[attr-defined]
        if not any(w.is_running for w in app.workers):
            break
    await pilot.pause()  # type: ignore[attr-defined]


def screen_text(app: KaraApp) -> str:
    """The whole terminal as plain text, the way a person reads it."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def notices(app: KaraApp) -> str:
    """Every notification shown so far, one per line."""
    return "\n".join(n.message for n in app._notifications)


def shown(app: KaraApp, selector: str) -> str:
    """The plain text a Static on the current screen was given."""
    from textual.widgets import Static

    return str(app.screen.query_one(selector, Static).content)
