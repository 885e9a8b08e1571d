"""LabelledEnum: the stored value and the shown label of each member, from one line."""

from __future__ import annotations

import json
import pickle

import pytest

from kara_tui.domain import ChargeKind, Reason, SessionStatus
from kara_tui.domain.labelled import LabelledEnum
from kara_tui.policy.conflicts import ConflictKind


class Colour(LabelledEnum):
    RED = "red", "Bright red"
    DARK_BLUE = "dark_blue", "Navy"


def test_a_member_is_its_value_and_carries_its_label() -> None:
    assert Colour.RED == "red"
    assert Colour.RED.value == "red"
    assert Colour.RED.label == "Bright red"
    assert str(Colour.DARK_BLUE) == "dark_blue"
    assert Colour("dark_blue") is Colour.DARK_BLUE
    assert [c.value for c in Colour] == ["red", "dark_blue"]


def test_a_label_is_not_a_value() -> None:
    with pytest.raises(ValueError):
        Colour("Navy")


def test_members_survive_pickle_and_json() -> None:
    assert pickle.loads(pickle.dumps(Reason.NO_SHOW)) is Reason.NO_SHOW
    assert json.dumps([ChargeKind.CANCELLATION]) == '["cancellation"]'


def test_the_practices_labels_are_unchanged() -> None:
    assert Reason.CLIENT.label == "Cancelled by the client"
    assert Reason("no_show").label == "Client did not show up"
    assert ChargeKind.CANCELLATION.label == "cancelled, not late"
    assert ConflictKind.OUTSIDE_HOURS.title == "Outside working hours"


def test_a_session_status_has_the_word_the_cli_shows_for_it() -> None:
    assert [s.label for s in SessionStatus] == ["scheduled", "attended", "no-show", "cancelled"]
    assert SessionStatus("no_show") is SessionStatus.NO_SHOW
