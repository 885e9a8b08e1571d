"""How each calendar screen looks (pytest-textual-snapshot; plain def tests, it runs its own loop).

Update after a deliberate change with: .venv/bin/pytest tests/snapshots --snapshot-update
"""

from __future__ import annotations

from calendar_kit import settle

WIDE = (120, 40)
SMALL = (80, 24)


def test_week(snap_compare, calendar_app) -> None:
    assert snap_compare(calendar_app(), terminal_size=WIDE, run_before=settle)


def test_week_small_terminal(snap_compare, calendar_app) -> None:
    assert snap_compare(calendar_app(), terminal_size=SMALL, run_before=settle)


def test_week_light_theme(snap_compare, calendar_app) -> None:
    assert snap_compare(calendar_app("kara-light"), terminal_size=WIDE, run_before=settle)


def test_week_high_contrast_theme(snap_compare, calendar_app) -> None:
    assert snap_compare(calendar_app("kara-high-contrast"), terminal_size=WIDE, run_before=settle)


def test_day(snap_compare, calendar_app) -> None:
    assert snap_compare(calendar_app(), press=["1"], terminal_size=WIDE, run_before=settle)


def test_month(snap_compare, calendar_app) -> None:
    assert snap_compare(calendar_app(), press=["3"], terminal_size=WIDE, run_before=settle)


def test_agenda(snap_compare, calendar_app) -> None:
    assert snap_compare(calendar_app(), press=["4"], terminal_size=WIDE, run_before=settle)


def test_details_of_a_late_cancellation(snap_compare, calendar_app) -> None:
    async def open_details(pilot) -> None:
        await settle(pilot)
        await pilot.press("k", "enter")
        await settle(pilot)

    assert snap_compare(calendar_app(), terminal_size=WIDE, run_before=open_details)


def test_help(snap_compare, calendar_app) -> None:
    assert snap_compare(
        calendar_app(), press=["question_mark"], terminal_size=WIDE, run_before=settle
    )


def test_new_session_form_with_a_conflict(snap_compare, calendar_app) -> None:
    async def fill(pilot) -> None:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Anna Smith", "tab", "ctrl+a", "ctrl+k", *"2026-11-18 14:20")
        await settle(pilot)

    assert snap_compare(calendar_app(), terminal_size=WIDE, run_before=fill)


def test_welcome_on_an_empty_database(snap_compare, calendar_app) -> None:
    assert snap_compare(calendar_app(empty=True), terminal_size=WIDE, run_before=settle)
