"""Each edge case of issue 14 ("Feeds read as RFC 5545 says"), one named file in tests/ics."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from kara_tui.ical.parse import ParseResult, parse_feed

ICS = Path(__file__).resolve().parents[2] / "ics"
BERLIN = ZoneInfo("Europe/Berlin")


def parse(name: str, start: str, end: str, tz: ZoneInfo = BERLIN, **kwargs: object) -> ParseResult:
    return parse_feed(
        (ICS / name).read_bytes(),
        window_start=datetime.fromisoformat(start).replace(tzinfo=UTC),
        window_end=datetime.fromisoformat(end).replace(tzinfo=UTC),
        default_tz=tz,
        **kwargs,  # type: ignore[arg-type]
    )


def wall(value: object, tz: ZoneInfo = BERLIN) -> str:
    assert isinstance(value, datetime)
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M")


# -- 1. floating times -------------------------------------------------------------------


def test_floating_times_are_practice_wall_clock_in_summer_and_winter() -> None:
    result = parse("floating_one_vtimezone.ics", "2026-01-01", "2026-12-31")
    weekly = sorted(o.start for o in result.occurrences if o.uid == "weekly-floating@rfc.test")
    # 13:00 in Berlin all year round, across both daylight-saving changes: not Chicago's 13:00
    assert {wall(s)[11:] for s in weekly} == {"13:00"}
    assert wall(weekly[0]) == "2026-01-05 13:00" and weekly[0].utcoffset() is not None
    summer = next(s for s in weekly if s.month == 7)
    assert summer.astimezone(UTC).hour == 11  # CEST
    assert weekly[0].astimezone(UTC).hour == 12  # CET
    (single,) = [o for o in result.occurrences if o.uid == "single-floating@rfc.test"]
    assert wall(single.start) == "2026-07-07 13:00"
    (zoned,) = [o for o in result.occurrences if o.uid == "zoned@rfc.test"]
    assert wall(zoned.start, ZoneInfo("America/Chicago")) == "2026-07-07 09:00"
    assert not any("only time zone" in p.reason for p in result.problems)


def test_floating_times_of_the_events_calendar_keep_its_vtimezone_with_a_note() -> None:
    chicago = ZoneInfo("America/Chicago")
    result = parse("floating_one_vtimezone_events_calendar.ics", "2026-01-01", "2026-12-31")
    weekly = [o.start for o in result.occurrences if o.uid == "weekly-floating@rfc.test"]
    assert {wall(s, chicago)[11:] for s in weekly} == {"13:00"}
    (single,) = [o for o in result.occurrences if o.uid == "single-floating@rfc.test"]
    assert wall(single.start, chicago) == "2026-07-07 13:00"
    notes = [p.reason for p in result.problems if not p.uid]
    assert any("America/Chicago" in n and "ECPv6.3.3" in n for n in notes)
