"""Times as shown: a wall time that happens twice, or a span across a clock change, names
its zone; every other time is the plain '10:00'."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from kara_tui.domain.timeshow import clock, clock_span, happens_twice, moment
from kara_tui.services.notice_text import short_when
from kara_tui.ui.resolved import moment_echo

LONDON = ZoneInfo("Europe/London")
# 2027-10-31: the clocks go back at 02:00 BST to 01:00 GMT, so 01:00-01:59 happens twice.
FIRST_0130 = datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 01:30 BST
SECOND_0130 = datetime(2027, 10, 31, 1, 30, tzinfo=UTC)  # 01:30 GMT


def test_a_time_that_happens_twice_is_named_by_its_zone():
    assert clock(FIRST_0130.astimezone(LONDON)) == "01:30 BST"
    assert clock(SECOND_0130.astimezone(LONDON)) == "01:30 GMT"
    assert happens_twice(FIRST_0130.astimezone(LONDON))


def test_every_other_time_is_plain():
    for at in (
        datetime(2027, 10, 31, 9, 0, tzinfo=UTC),  # the same day, after the change
        datetime(2027, 3, 28, 0, 30, tzinfo=UTC),  # the spring night: 01:30 never happens
        datetime(2027, 3, 28, 1, 30, tzinfo=UTC),
    ):
        local = at.astimezone(LONDON)
        assert not happens_twice(local)
        assert ":" in clock(local) and " " not in clock(local)
    assert clock(datetime(2027, 10, 31, 0, 30, tzinfo=UTC).astimezone(UTC)) == "00:30"


def test_a_span_across_the_change_names_both_ends():
    end = datetime(2027, 10, 31, 1, 20, tzinfo=UTC)  # 50 minutes after 01:30 BST
    assert clock_span(FIRST_0130, end, LONDON) == "01:30 BST–01:20 GMT"
    spring_start = datetime(2027, 3, 28, 0, 30, tzinfo=UTC)  # 00:30 GMT, then 02:30 BST
    spring_end = datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    assert clock_span(spring_start, spring_end, LONDON) == "00:30 GMT–02:30 BST"


def test_a_span_within_the_repeated_hour_names_its_zone():
    end = datetime(2027, 10, 31, 1, 50, tzinfo=UTC)
    assert clock_span(SECOND_0130, end, LONDON) == "01:30 GMT–01:50 GMT"


def test_ordinary_spans_are_unchanged():
    a = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)
    assert clock_span(a, datetime(2026, 12, 8, 10, 50, tzinfo=UTC), LONDON) == "10:00–10:50"
    late = datetime(2026, 12, 8, 23, 30, tzinfo=UTC)
    assert clock_span(late, datetime(2026, 12, 9, 0, 20, tzinfo=UTC), LONDON) == "23:30–Wed 00:20"


def test_the_echo_and_the_email_say_which_0130():
    assert moment(SECOND_0130, LONDON) == "Sun 31 Oct 2027 01:30 GMT"
    now = datetime(2027, 10, 25, 9, tzinfo=UTC)
    assert moment_echo("2027-10-31 01:30+01:00", LONDON, now) == "→ Sun 31 Oct 2027 01:30 BST"
    assert moment_echo("2027-10-31 01:30+00:00", LONDON, now) == "→ Sun 31 Oct 2027 01:30 GMT"
    assert moment_echo("2027-10-30 01:30", LONDON, now) == "→ Sat 30 Oct 2027 01:30"
    assert short_when(SECOND_0130, LONDON) == "Sun 31 Oct 01:30 GMT"
