"""occurrence.new_occurrence, the fast path's cheaper constructor, makes exactly the
Occurrence the dataclass's own constructor makes: every field set, same equality, hash and
repr, still frozen."""

from __future__ import annotations

import dataclasses
import inspect
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kara_tui.ical.expand.occurrence import Occurrence, new_occurrence

_TIMES = st.datetimes(timezones=st.just(UTC)) | st.dates()


def test_it_takes_every_field_in_the_dataclass_order() -> None:
    names = [f.name for f in dataclasses.fields(Occurrence)]
    assert list(inspect.signature(new_occurrence).parameters) == names


_VALUES = st.tuples(
    st.text(),
    st.text(),
    _TIMES,
    _TIMES,
    st.booleans(),
    st.text(),
    st.text(),
    st.booleans(),
    st.booleans(),
    st.text(),
)


@given(_VALUES)
def test_it_makes_what_the_dataclass_makes(values: tuple[object, ...]) -> None:
    made, reference = new_occurrence(*values), Occurrence(*values)  # type: ignore[arg-type]
    assert type(made) is Occurrence
    assert made == reference
    assert hash(made) == hash(reference)
    assert repr(made) == repr(reference)
    for f in dataclasses.fields(Occurrence):
        assert getattr(made, f.name) == getattr(reference, f.name)


def test_what_it_makes_stays_frozen() -> None:
    start = datetime(2026, 12, 7, 12, tzinfo=UTC)
    occ = new_occurrence("u", "", start, start, False, "S", "", True, False, "h")
    with pytest.raises(dataclasses.FrozenInstanceError):
        occ.summary = "other"  # type: ignore[misc]
    assert dataclasses.replace(occ, end=date(2026, 12, 8)).end == date(2026, 12, 8)
