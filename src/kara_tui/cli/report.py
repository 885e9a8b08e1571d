"""The `report` commands (not built yet: see the open issue)."""

from __future__ import annotations

from typing import Any


def register(sub: Any) -> None:
    del sub
