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
    if name == "__all__":
        return [*model.__all__, "Money"]
    if name == "Money":
        return import_module("kara_tui.domain.money").Money
    if name in model.__all__:
        return getattr(model, name)
    if name in globals():  # a submodule that loading model.py loaded (model, money)
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
