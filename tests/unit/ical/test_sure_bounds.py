"""rules.sure_before / sure_after: a time of the zone whose wall clock is not past the bound
is surely on that side of the moment, as an instant, in any zone (daylight-saving gaps and
folds, offsets near a whole day). The fast path tests instances against them by wall clock
before it asks for the instant comparison (tests/unit/ical/test_fastpath.py holds the
result to the reference)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from kara_tui.ical.expand.rules import sure_after, sure_before
from support.examples import examples

_ZONES: list[tzinfo] = [
    ZoneInfo("Europe/London"),
    ZoneInfo("America/New_York"),
    ZoneInfo("Australia/Sydney"),
    ZoneInfo("Pacific/Kiritimati"),
    ZoneInfo("Pacific/Apia"),  # skipped a whole day in 2011
    timezone(timedelta(hours=23, minutes=59)),
    timezone(-timedelta(hours=23, minutes=59)),
    UTC,
]
_WHEN = st.datetimes(min_value=datetime(1900, 1, 3), max_value=datetime(2100, 12, 28))


def _instant(value: datetime) -> datetime:
    return value.astimezone(UTC)


@settings(max_examples=examples(2000))
@given(st.sampled_from(_ZONES), _WHEN, st.sampled_from(_ZONES), _WHEN, st.booleans())
def test_a_wall_clock_not_past_the_bound_is_on_its_side(
    zone: tzinfo, wall: datetime, moment_zone: tzinfo, moment_wall: datetime, fold: bool
) -> None:
    moment = moment_wall.replace(tzinfo=moment_zone)
    time = wall.replace(tzinfo=zone, fold=int(fold))
    before, after = sure_before(moment, zone), sure_after(moment, zone)
    assert before.tzinfo is zone and after.tzinfo is zone
    if not time > before:  # same tzinfo: compared by wall clock
        assert _instant(time) < _instant(moment)
        assert not time > moment
    if not time < after:
        assert _instant(time) > _instant(moment)
        assert not time < moment


def test_the_bounds_are_close_enough_to_matter() -> None:
    zone = ZoneInfo("Europe/London")
    moment = datetime(2026, 12, 7, 12, tzinfo=UTC)
    assert sure_before(moment, zone) == datetime(2026, 12, 5, 12, tzinfo=zone)
    assert sure_after(moment, zone) == datetime(2026, 12, 9, 12, tzinfo=zone)
