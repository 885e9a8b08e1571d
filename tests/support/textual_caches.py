"""Textual's caches that keep a finished app's widgets alive, emptied after each test.

``StylesCache.get_inner_outer`` and ``ANSIToTruecolor.truecolor_style`` are ``lru_cache``s on
methods: each key holds the instance (a widget's styles cache, with every line the widget
drew, or an app's colour filter) until 1,024 newer calls push it out. Over a run of Pilot
tests they kept about a thousand finished widgets reachable: the heap each full collection
walks grew fivefold, and the collector took a fifth of a Pilot test's CPU.
``forget_finished_apps`` empties them (functools' ``cache_clear``) once a test is over;
tests/conftest.py calls it after each test. tests/ui/test_textual_caches.py checks that the
names are still there and that a finished app leaves no styles cache behind.
"""

from __future__ import annotations

import sys
from importlib import import_module

# (module, class, method): the lru_cache'd methods whose keys hold a widget or an app.
CACHED_METHODS = (
    ("textual._styles_cache", "StylesCache", "get_inner_outer"),
    ("textual.filter", "ANSIToTruecolor", "truecolor_style"),
)


def forget_finished_apps() -> None:
    """Empty the caches of CACHED_METHODS (nothing to do before Textual is imported)."""
    if "textual" not in sys.modules:
        return
    for module, cls, method in CACHED_METHODS:
        getattr(getattr(import_module(module), cls), method).cache_clear()
