"""Property: the sessions a booked series stores fall where dateutil's rrule says, in the
practice zone's wall clock, for random rules across clock changes in three zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil import rrule as du
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kara_tui.domain import Money
from kara_tui.domain.series import Repeat, SeriesRule
from kara_tui.services.series import SeriesBook
from support.examples import examples

ZONES = ["Europe/London", "America/New_York", "Australia/Sydney"]
DAYS = (du.MO, du.TU, du.WE, du.TH, du.FR, du.SA, du.SU)


def _dateutil(first_local: datetime, rule: SeriesRule) -> list[datetime]:
    extra: dict[str, object] = {}
    if rule.repeat is Repeat.MONTHLY_BY_DATE:
        extra["bymonthday"] = first_local.day
    elif rule.repeat is Repeat.MONTHLY_BY_WEEKDAY:
        n = (first_local.day - 1) // 7 + 1
        extra["byweekday"] = DAYS[first_local.weekday()](-1 if n == 5 else n)
    found = du.rrule(
        du.WEEKLY if rule.repeat is Repeat.WEEKLY else du.MONTHLY,
        dtstart=first_local,
        interval=rule.interval,
        count=rule.count,
        **extra,  # type: ignore[arg-type]
    )
    return [x.astimezone(UTC) for x in found]


@settings(
    max_examples=examples(12),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    zone=st.sampled_from(ZONES),
    day=st.dates(date(2026, 11, 20), date(2028, 6, 30)),
    hour=st.integers(8, 17),
    repeat=st.sampled_from(list(Repeat)),
    interval=st.integers(1, 3),
    count=st.integers(1, 30),
)
def test_stored_sessions_are_dateutils(practice, zone, day, hour, repeat, interval, count) -> None:
    practice.set_setting("timezone", zone)
    client = practice.add_client(
        f"C {zone} {day} {hour} {repeat} {interval} {count}", fee=Money(1, "GBP")
    )
    first_local = datetime.combine(day, time(hour, 30), tzinfo=ZoneInfo(zone))
    rule = SeriesRule(repeat, interval, count=count)
    booked = SeriesBook(practice).book(client.id, first_local, rule, on_conflict="force")
    stored = sorted(s.original_start for s in booked.sessions)
    assert stored == _dateutil(first_local, rule)
    assert [s.start for s in sorted(booked.sessions, key=lambda s: s.start)] == stored
    assert all(s.end - s.start == timedelta(minutes=50) for s in booked.sessions)
