"""What the imports and the collection built is frozen for the run (tests/conftest.py
``pytest_collection_finish``): full collections walk only what the tests make."""

from __future__ import annotations

import gc

import pytest


def test_what_the_collection_built_is_out_of_the_collectors_reach(
    request: pytest.FixtureRequest,
) -> None:
    assert gc.get_freeze_count() > 10_000
    # this test's own item was built by the collection: no collection walks it
    assert not any(o is request.node for o in gc.get_objects())
