"""The practice's vocabulary as frozen values: no database, no UI."""

from kara_tui.domain import model
from kara_tui.domain.model import *  # noqa: F403  (the entities and their vocabulary)
from kara_tui.domain.money import Money

__all__ = [*model.__all__, "Money"]
