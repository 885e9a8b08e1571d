"""Double-booking checks: each kind of conflict, its edges, and the words it is reported in."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from kara_tui.domain import WorkingHours, instant
from kara_tui.policy.conflicts import Busy, ConflictKind, find_conflicts

LONDON = ZoneInfo("Europe/London")
HOURS = WorkingHours.parse("mon-fri 09:00-18:00")


def at(day: int, hh: int, mm: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hh, mm, tzinfo=LONDON)


def conflicts(start: datetime, minutes: int = 50, *, buffer: int = 10, **busy):
    return find_conflicts(
        start,
        start + timedelta(minutes=minutes),
        tz=LONDON,
        working_hours=HOURS,
        buffer_minutes=buffer,
        **busy,
    )


def kinds(found) -> list[ConflictKind]:
    return [c.kind for c in found]


ANNA = Busy(at(17, 10), at(17, 10, 50), "Anna Smith's session", 1)


def test_a_free_slot_has_no_conflicts() -> None:
    assert conflicts(at(17, 14), sessions=[ANNA]) == []


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (at(17, 10, 20), [ConflictKind.OVERLAP]),  # inside
        (at(17, 9, 30), [ConflictKind.OVERLAP]),  # ends inside
        (at(17, 10, 49), [ConflictKind.OVERLAP]),  # starts a minute before the other ends
        (at(17, 10, 50), [ConflictKind.BUFFER]),  # back to back: no rest in between
        (at(17, 10, 59), [ConflictKind.BUFFER]),
        (at(17, 11, 0), []),  # exactly the buffer later
        (at(17, 9, 0), []),  # ends 09:50, exactly the buffer before
    ],
)
def test_overlap_and_buffer_edges(start: datetime, expected: list[ConflictKind]) -> None:
    assert kinds(conflicts(start, sessions=[ANNA])) == expected


def test_back_to_back_is_fine_without_a_buffer() -> None:
    assert conflicts(at(17, 10, 50), sessions=[ANNA], buffer=0) == []
    assert kinds(conflicts(at(17, 10, 49), sessions=[ANNA], buffer=0)) == [ConflictKind.OVERLAP]


def test_buffer_before_another_session() -> None:
    found = conflicts(at(17, 9, 15), sessions=[ANNA])  # ends 10:05, into Anna's session
    assert kinds(found) == [ConflictKind.OVERLAP]
    found = conflicts(at(17, 9, 5), sessions=[ANNA])  # ends 09:55, five minutes before Anna
    assert kinds(found) == [ConflictKind.BUFFER]
    assert found[0].message == (
        "leaves less than the 10 min buffer next to Anna Smith's session at Tue 17 Nov 10:00"
    )


def test_overlap_message_names_the_other_session_in_local_time() -> None:
    summer = Busy(at(14, 10, month=7), at(14, 11, month=7), "Ben Jones's session")
    found = conflicts(at(14, 10, 30, month=7), sessions=[summer])
    assert [c.message for c in found] == ["overlaps Ben Jones's session at Tue 14 Jul 10:00"]


def test_time_off_blocks_and_says_why() -> None:
    holiday = Busy(at(17, 0), at(19, 0), "holiday")
    found = conflicts(at(18, 10), time_off=[holiday])
    assert kinds(found) == [ConflictKind.TIME_OFF]
    assert found[0].message == "falls in time off (holiday)"
    assert conflicts(at(19, 10), time_off=[holiday]) == []  # the range is half-open
    unnamed = Busy(at(17, 0), at(19, 0), "")
    assert conflicts(at(18, 10), time_off=[unnamed])[0].message == "falls in time off"


@pytest.mark.parametrize(
    ("start", "minutes", "outside"),
    [
        (at(17, 9, 0), 50, False),  # starts as the day starts
        (at(17, 17, 10), 50, False),  # ends 18:00 exactly
        (at(17, 17, 20), 50, True),  # ends 18:10
        (at(17, 8, 30), 50, True),  # starts before nine
        (at(21, 10, 0), 50, True),  # Saturday
        (at(22, 10, 0), 50, True),  # Sunday
        (at(17, 23, 30), 60, True),  # runs past midnight
    ],
)
def test_working_hours(start: datetime, minutes: int, outside: bool) -> None:
    found = conflicts(start, minutes)
    assert (ConflictKind.OUTSIDE_HOURS in kinds(found)) is outside
    if outside:
        assert found[-1].message == "is outside working hours (mon,tue,wed,thu,fri 09:00-18:00)"


def test_working_hours_are_local_time_in_summer() -> None:
    # 09:00 BST is 08:00 UTC: inside the hours although the UTC hour is 8.
    start = at(14, 9, month=7)
    assert conflicts(start.astimezone(ZoneInfo("UTC"))) == []


def test_busy_timed_external_event() -> None:
    dentist = Busy(at(17, 13, 30), at(17, 14, 30), "Dentist", 7)
    found = conflicts(at(17, 14), external=[dentist])
    assert kinds(found) == [ConflictKind.EXTERNAL]
    assert found[0].message == "overlaps busy event 'Dentist'"
    assert conflicts(at(17, 14, 30), external=[dentist]) == []  # no buffer around events


def test_busy_all_day_event_blocks_the_local_day() -> None:
    # In summer a local day starts at 23:00 UTC the evening before.
    conference = Busy(date(2026, 7, 15), date(2026, 7, 16), "Conference")
    late_on_14th = at(14, 23, 30, month=7)  # 22:30 UTC on the 14th
    early_on_15th = at(15, 0, 30, month=7)  # 23:30 UTC on the 14th
    last_minute = at(15, 23, 0, month=7)
    next_day = at(16, 0, 0, month=7)

    def external(start: datetime) -> list[ConflictKind]:
        return [k for k in kinds(conflicts(start, 30, external=[conference])) if k == "external"]

    assert external(late_on_14th) == []
    assert external(early_on_15th) == [ConflictKind.EXTERNAL]
    assert external(last_minute) == [ConflictKind.EXTERNAL]
    assert external(next_day) == []


def test_every_conflict_is_reported_together() -> None:
    found = conflicts(
        at(21, 10, 20),  # Saturday
        sessions=[Busy(at(21, 10), at(21, 10, 50), "Anna Smith's session")],
        external=[Busy(date(2026, 11, 21), date(2026, 11, 22), "Wedding")],
        time_off=[Busy(at(21, 0), at(22, 0), "weekend away")],
    )
    assert kinds(found) == [
        ConflictKind.OVERLAP,
        ConflictKind.EXTERNAL,
        ConflictKind.TIME_OFF,
        ConflictKind.OUTSIDE_HOURS,
    ]


def test_working_hours_parse_and_print() -> None:
    wh = WorkingHours.parse("mon,wed-thu 08:30-16:00")
    assert wh.days == frozenset({0, 2, 3})
    assert str(wh) == "mon,wed,thu 08:30-16:00"
    assert WorkingHours.parse(str(wh)) == wh


@pytest.mark.parametrize("text", ["weekdays 9-5", "mon-fri 18:00-09:00", "mon-fri", "xyz 09:00"])
def test_bad_working_hours_are_refused_in_words(text: str) -> None:
    from kara_tui.domain import DomainError

    with pytest.raises(DomainError, match="working hours"):
        WorkingHours.parse(text)


SHORT_FRIDAY = WorkingHours.parse("mon-thu 09:00-19:00; fri 09:00-15:00")


def test_working_hours_per_weekday_parse_print_and_round_trip() -> None:
    assert SHORT_FRIDAY.on(0) == (time(9), time(19))
    assert SHORT_FRIDAY.on(4) == (time(9), time(15))
    assert SHORT_FRIDAY.on(5) is None  # a day left out is not a working day
    assert SHORT_FRIDAY.days == frozenset({0, 1, 2, 3, 4})
    assert str(SHORT_FRIDAY) == "mon,tue,wed,thu 09:00-19:00; fri 09:00-15:00"
    assert WorkingHours.parse(str(SHORT_FRIDAY)) == SHORT_FRIDAY
    # A value stored before per-day hours keeps its meaning: the same hours on each listed day.
    old = WorkingHours.parse("mon,tue,wed,thu,fri 09:00-18:00")
    assert old == WorkingHours() and all(old.on(d) == (time(9), time(18)) for d in range(5))


@pytest.mark.parametrize(
    ("start", "minutes", "outside"),
    [
        (at(19, 18, 0), 50, False),  # Thursday: open until 19:00
        (at(20, 14, 10), 50, False),  # Friday: 14:10-15:00 fits
        (at(20, 14, 20), 50, True),  # 14:20-15:10 runs past Friday's 15:00
        (at(20, 18, 0), 50, True),  # Friday evening
    ],
)
def test_conflicts_use_each_days_own_hours(start: datetime, minutes: int, outside: bool) -> None:
    found = find_conflicts(
        start,
        start + timedelta(minutes=minutes),
        tz=LONDON,
        working_hours=SHORT_FRIDAY,
        buffer_minutes=0,
    )
    assert (ConflictKind.OUTSIDE_HOURS in kinds(found)) is outside
    if outside:
        assert found[-1].message == (
            "is outside working hours (mon,tue,wed,thu 09:00-19:00; fri 09:00-15:00)"
        )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "working hours are empty"),
        ("mon-thu 09:00-19:00; fri 9-3", "'fri 9-3' is not a day's working hours"),
        ("mon-fri 09:00-18:00; fri 09:00-15:00", "working hours give fri twice"),
        ("mon-thu 09:00-19:00; fr 09:00-15:00", "'fr' is not a day of the week"),
        ("fri-mon 09:00-18:00", "'fri-mon' runs backwards in working hours"),
        ("mon 09:00-18:00; tue 18:00-09:00", r"end \(09:00\) before they start \(18:00\)"),
    ],
)
def test_bad_per_day_working_hours_say_which_part_is_wrong(text: str, message: str) -> None:
    from kara_tui.domain import DomainError

    with pytest.raises(DomainError, match=message):
        WorkingHours.parse(text)


def test_each_warning_has_a_title_saying_what_it_is() -> None:
    from kara_tui.policy.conflicts import warnings_title

    evening = conflicts(at(17, 19))
    assert [c.title for c in evening] == ["Outside working hours"]
    assert warnings_title(evening) == "Outside working hours"
    both = conflicts(at(17, 10, 20), sessions=[ANNA], time_off=[Busy(at(17, 10), at(17, 12), "x")])
    assert warnings_title(both) == "Overlaps a session · Time off"
    assert {k.title for k in ConflictKind} == {
        "Overlaps a session",
        "Busy external event",
        "Time off",
        "Buffer too short",
        "Outside working hours",
    }


def test_one_instant_rule_a_time_as_it_is_a_day_as_its_local_midnight() -> None:
    paris = ZoneInfo("Europe/Paris")
    moment = datetime(2026, 11, 16, 9, 30, tzinfo=UTC)
    assert instant(moment, paris) is moment
    assert instant(date(2026, 11, 16), paris) == datetime(2026, 11, 16, tzinfo=paris)
