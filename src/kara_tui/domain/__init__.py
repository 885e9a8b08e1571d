"""The practice's vocabulary as frozen values: no database, no UI.

model.py's entities load on first use (PEP 562): a command that only catches
``DomainError`` or redacts text (a first ``feeds sync``) does not build its dataclasses.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from kara_tui.domain.errors import DomainError as DomainError

if TYPE_CHECKING:
    from kara_tui.domain.model import *  # noqa: F403  (the entities and their vocabulary)
    from kara_tui.domain.money import Money as Money


def __getattr__(name: str) -> Any:
    if name.startswith("_") and name != "__all__":
        raise AttributeError(name)  # the import system asking for __path__ and the like
    model = import_module("kara_tui.domain.model")
    money = import_module("kara_tui.domain.money")
    # Loaded once: the names become this module's own, so no later lookup comes back here
    # (the calendar reads ``domain.ExternalEvent`` for each of a week's thousands of events).
    names = globals()
    names.update({n: getattr(model, n) for n in model.__all__})
    names["Money"] = money.Money
    names["__all__"] = [*model.__all__, "Money"]
    if name in names:  # a model name, or a submodule that loading model.py loaded
        return names[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
