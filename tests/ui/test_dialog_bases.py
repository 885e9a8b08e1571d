"""The dialogs' shared bases (_dialog.py): number keys, a one-field question, booking's keywords."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import date

from textual.widgets import Input

from kara_tui.services import booking
from kara_tui.services.booking_terms import Terms
from kara_tui.services.series import SeriesBook
from kara_tui.timeparse import parse_date
from kara_tui.ui.screens._dialog import OneFieldDialog, choice_keys, form_bindings
from kara_tui.ui.screens.session_form import BOOKING_FIELDS
from support.dialogs import Host, said

TODAY = date(2026, 11, 16)


class DayQuestion(OneFieldDialog["date | None"]):
    """The smallest question: one day, read as the End-series dialog reads it."""

    BINDINGS = form_bindings("Go")
    BOX, TITLE_TEXT, KEYS = "day-box", "Which day", "ctrl+s reads it"
    LABEL, FIELD, ERROR_LINE = "Day", "day", "day-error"
    EXPLAIN = "Any day from today."
    GO = ("go", "Go", "primary")

    def first_value(self) -> str:
        return TODAY.isoformat()

    def read(self, typed: str) -> date:
        return parse_date(typed, TODAY)


def test_choice_keys_press_the_choice_numbered_from_one() -> None:
    keys = choice_keys("pick_reason", 3)
    assert [(k.key, k.action, k.show) for k in keys] == [  # type: ignore[union-attr]
        ("1", "pick_reason(0)", False),
        ("2", "pick_reason(1)", False),
        ("3", "pick_reason(2)", False),
    ]


def _keywords(use_case: Callable[..., object]) -> set[str]:
    """The keywords a use case takes: its parameters, and the booking terms (booking_terms.Terms)
    where it takes them as ``**given: Unpack[Terms]``."""
    names: set[str] = set()
    for param in inspect.signature(use_case).parameters.values():
        if param.kind is param.VAR_KEYWORD:
            names |= set(Terms.__annotations__)
        else:
            names.add(param.name)
    return names


def test_the_booking_keywords_are_ones_both_booking_use_cases_take() -> None:
    """Request.booking() is passed as **keywords: a renamed parameter must fail here."""
    for use_case in (booking.book, SeriesBook.book):
        assert set(BOOKING_FIELDS) <= _keywords(use_case), use_case


async def test_a_one_field_question_says_what_it_cannot_read_and_keeps_the_typing() -> None:
    app = Host(DayQuestion)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DayQuestion)
        assert screen.query_one("#day", Input).value == "2026-11-16"
        screen.query_one("#day", Input).value = "no such day"
        await pilot.press("enter")
        await pilot.pause()
        assert said(screen, "#day-error")
        assert screen.query_one("#day", Input).value == "no such day"
        assert app.results == []
        screen.query_one("#day", Input).value = "2026-11-20"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results == [date(2026, 11, 20)]


async def test_escape_leaves_a_one_field_question_with_nothing() -> None:
    app = Host(DayQuestion)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.results == [None]
