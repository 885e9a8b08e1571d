"""A finished app leaves none of its widgets' styles caches behind in Textual's method caches
(tests/support/textual_caches.py)."""

from __future__ import annotations

import asyncio
import gc
import inspect
from importlib import import_module

from textual._styles_cache import StylesCache
from textual.app import App, ComposeResult
from textual.widgets import Static

from support.pilot import settle
from support.textual_caches import CACHED_METHODS, forget_finished_apps


class _Shown(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("shown", id="shown")


def _alive() -> int:
    gc.collect()
    return sum(isinstance(o, StylesCache) for o in gc.get_objects())


def test_the_cached_methods_are_still_lru_caches() -> None:
    # If this fails after a Textual upgrade, the caches moved: update textual_caches.py.
    for module, cls, method in CACHED_METHODS:
        cached = inspect.getattr_static(getattr(import_module(module), cls), method)
        assert callable(cached.cache_clear), (module, cls, method)


async def _run_once() -> None:
    app = _Shown()
    async with app.run_test(size=(40, 5)) as pilot:
        await settle(pilot)


def test_a_finished_app_leaves_no_styles_cache_behind() -> None:
    forget_finished_apps()
    before = _alive()
    asyncio.run(_run_once())  # a loop of its own: nothing of the app is left in this context
    assert _alive() > before  # the caches keep the finished app's widgets' styles caches
    forget_finished_apps()
    assert _alive() == before
