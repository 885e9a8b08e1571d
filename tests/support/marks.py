"""Marks shared by the tests: which cases of a long table the quick loop keeps."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest


def slow_after_first(values: Iterable[Any]) -> list[Any]:
    """``values`` for ``parametrize``, every one but the first marked slow: `make test-fast`
    still runs one case of a differential test over generated feeds, `make test` all."""
    first, *rest = values
    return [first, *(pytest.param(value, marks=pytest.mark.slow) for value in rest)]
