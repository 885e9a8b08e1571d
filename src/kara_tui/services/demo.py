"""A realistic practice around today, for `kara-tui --demo` (placeholder until the Calendar issue)."""

from __future__ import annotations

from typing import Any


def seed(practice: Any) -> None:
    del practice
