"""Whom a typed client means, and ids wherever two names could be confused (no Textual)."""

from __future__ import annotations

import pytest

from kara_tui.ui.client_pick import ClientPicker, Pickable, confusable_ids

ANNA, SMYTH, BEN, ANNA2 = (
    Pickable(1, "Anna Smith"),
    Pickable(3, "Anna Smyth"),
    Pickable(2, "Ben Jones"),
    Pickable(7, "anna  smith"),
)


def test_names_alike_enough_to_be_taken_for_each_other_get_ids() -> None:
    assert confusable_ids([ANNA, SMYTH, BEN]) == {1, 3}  # same first name and initial
    assert confusable_ids([ANNA, ANNA2, BEN]) == {1, 7}  # the same but for case and spaces
    assert confusable_ids([ANNA, BEN, Pickable(4, "Anna")]) == set()
    picker = ClientPicker([ANNA, SMYTH, BEN])
    assert picker.suggestions() == ["Anna Smith (id 1)", "Anna Smyth (id 3)", "Ben Jones"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Anna Smith (id 1)", 1),  # a completed suggestion
        ("Anna Smyth (id 3)", 3),
        ("#3", 3),
        ("3", 3),
        ("anna smith", 1),  # the exact name, any case
        ("ben", 2),  # the one name it is part of
        ("Anna Sm", None),  # two: not chosen
        ("#9", None),
        ("", None),
    ],
)
def test_what_the_typed_text_means(typed: str, expected: int | None) -> None:
    picker = ClientPicker([ANNA, SMYTH, BEN])
    chosen = picker.chosen(typed)
    assert (chosen.id if chosen else None) == expected
    assert picker.reference(typed) == (str(expected) if expected else typed)


def test_the_echo_names_ids_when_names_could_be_confused() -> None:
    picker = ClientPicker([ANNA, SMYTH, BEN])
    assert picker.echo("Anna Sm", privacy=False) == (
        "→ 2 clients match: Anna Smith (id 1), Anna Smyth (id 3); type more, or the id"
    )
    assert picker.echo("Anna Smyth", privacy=False) == "→ Anna Smyth (id 3)"
    assert picker.echo("Ben Jones", privacy=False) == ""  # plainly one client: nothing to say
    assert picker.echo("ben", privacy=False) == "→ Ben Jones"
    assert picker.echo("Zed", privacy=False) == "→ no client matches"
    assert picker.echo("Anna Sm", privacy=True) == (
        "→ 2 clients match: A.Sm. (id 1), A.Sm. (id 3); type more, or the id"
    )
    assert picker.echo("ben", privacy=True) == "→ B.Jo. (id 2)"
