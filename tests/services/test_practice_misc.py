"""Settings, clients, listing and busy external events through the Practice service."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kara_tui.db.rows import ExternalEventRow, FeedRow, date_to_utc_midnight
from kara_tui.domain import DomainError, Money, PaymentMethod, Reason, SessionStatus
from kara_tui.policy.conflicts import ConflictKind
from kara_tui.services.errors import ConflictError, NotFound
from kara_tui.services.practice import Practice

LONDON = ZoneInfo("Europe/London")


def at(day: int, hh: int, mm: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hh, mm, tzinfo=LONDON)


# -- settings ------------------------------------------------------------------------------


def test_settings_are_read_and_audited(practice: Practice) -> None:
    practice.set_setting("name", "  Dr   Kara  ")
    practice.set_setting("email", "kara@example.com")
    practice.set_setting("timezone", "Europe/Paris")
    practice.set_setting("cancellation_window_hours", "48")
    practice.set_setting("late_fee_percent", "50")
    practice.set_setting("payment_methods", "card, invoice")
    practice.set_setting("working_hours", "mon-thu 08:00-16:00")
    practice.set_setting("buffer_minutes", "0")
    practice.set_setting("default_currency", "eur")
    pro = practice.set_setting("default_minutes", "60")
    assert pro.name == "Dr Kara"
    assert pro.timezone == "Europe/Paris"
    assert practice.tz == ZoneInfo("Europe/Paris")
    assert (pro.cancellation_window_hours, pro.late_fee_percent, pro.buffer_minutes) == (48, 50, 0)
    assert pro.payment_methods == (PaymentMethod.CARD, PaymentMethod.INVOICE)
    assert str(pro.working_hours) == "mon,tue,wed,thu 08:00-16:00"
    assert (pro.default_currency, pro.default_minutes) == ("EUR", 60)
    assert practice.professional() == pro


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("colour", "red", r"unknown setting 'colour' \(known: name, email, timezone"),
        ("cancellation_window_hours", "abc", "must be a whole number, not 'abc'"),
        ("cancellation_window_hours", "-1", "must be between 0 and 336"),
        ("cancellation_window_hours", "1.5", "must be a whole number"),
        ("late_fee_percent", "101", "must be between 0 and 100"),
        ("buffer_minutes", "999", "must be between 0 and 240"),
        ("default_minutes", "0", "must be between 5 and 720"),
        ("timezone", "Mars/Olympus", "'Mars/Olympus' is not a time zone"),
        ("timezone", "../../etc/passwd", "is not a time zone"),
        ("timezone", "", "is not a time zone"),
        ("payment_methods", "card,bitcoin", "'bitcoin' is not a payment method"),
        ("payment_methods", "sponsored_credit", "'sponsored_credit' is not a payment method"),
        ("payment_methods", " , ", "at least one payment method"),
        ("working_hours", "9 to 5", "is not working hours"),
        ("working_hours", "mon-fri 18:00-09:00", r"end \(09:00\) before they start"),
        (
            "working_hours",
            "; ".join(
                f"{d} 09:00-1{i}:00"
                for i, d in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
            ),
            "working hours are too long to keep",
        ),
        ("default_currency", "pounds", "is not a currency code"),
        ("email", "not-an-address", "is not an email address"),
        ("name", "   ", "the practice needs a name"),
    ],
)
def test_bad_settings_are_refused_and_change_nothing(
    practice: Practice, key: str, value: str, message: str
) -> None:
    before = practice.professional()
    with pytest.raises(DomainError, match=message):
        practice.set_setting(key, value)
    assert practice.professional() == before


# -- clients -------------------------------------------------------------------------------


def test_add_client_cleans_and_stores(practice: Practice) -> None:
    c = practice.add_client(
        "  Anna   Smith ",
        email=" anna@example.com ",
        phone=" 0123 ",
        fee=Money(9000, "GBP"),
        window_hours=48,
        notes="likes mornings",
    )
    assert (c.name, c.email, c.phone, c.window_hours) == (
        "Anna Smith",
        "anna@example.com",
        "0123",
        48,
    )
    assert practice.find_client(c.id) == c
    assert not practice.is_empty()


def test_client_fee_defaults_to_the_practice_currency(practice: Practice) -> None:
    practice.set_setting("default_currency", "EUR")
    assert practice.add_client("Anna Smith").fee == Money(0, "EUR")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "  "}, "a client needs a name"),
        ({"name": "12345"}, "cannot be only digits"),
        ({"name": "A", "email": "anna"}, "'anna' is not an email address"),
        ({"name": "A", "email": "an na@x.y"}, "is not an email address"),
        ({"name": "A", "window_hours": -1}, "between 0 and 336 hours"),
        ({"name": "A", "window_hours": 400}, "between 0 and 336 hours"),
        ({"name": "A", "fee": Money(-1, "GBP")}, "a fee cannot be negative"),
        ({"name": "A", "sponsored_credit": -2}, "sponsored credit cannot be negative"),
    ],
)
def test_bad_clients_are_refused(practice: Practice, kwargs, message: str) -> None:
    name = kwargs.pop("name")
    with pytest.raises(DomainError, match=message):
        practice.add_client(name, **kwargs)
    assert practice.list_clients() == []
    assert practice.is_empty()


def test_find_client(practice: Practice) -> None:
    anna = practice.add_client("Anna Smith")
    practice.add_client("Annabel Lee")
    practice.add_client("Ben Jones")
    assert practice.find_client("Anna Smith") == anna
    assert practice.find_client("anna smith") == anna
    assert practice.find_client(str(anna.id)) == anna
    assert practice.find_client("jones").name == "Ben Jones"
    with pytest.raises(DomainError, match="'ann' matches several clients: Anna Smith"):
        practice.find_client("ann")
    with pytest.raises(NotFound, match="no client called 'Zed'"):
        practice.find_client("Zed")
    with pytest.raises(NotFound, match="no client with id 42"):
        practice.find_client(42)
    # Issue 15: a second active client of the same name is refused; once the first is
    # archived the name is free, and a lookup means the active client.
    with pytest.raises(DomainError, match="an active client is already called 'Anna Smith'"):
        practice.add_client("anna smith")
    from kara_tui.services.clients import ClientBook

    ClientBook(practice).archive(anna.id)
    again = practice.add_client("anna smith")
    assert practice.find_client("ANNA SMITH") == again
    assert practice.find_client(anna.id).archived


def test_like_wildcards_in_a_name_are_literal(practice: Practice) -> None:
    practice.add_client("Anna Smith")
    under = practice.add_client("Ben_Jones")
    for pattern in ("%", "A%", "Anna_Smith", "n%J"):
        with pytest.raises(NotFound):
            practice.find_client(pattern)
    assert practice.find_client("ben_jones") == under
    assert practice.find_client("n_J") == under
    assert practice.search_sessions("%") == []


# -- listing -------------------------------------------------------------------------------


def test_list_sessions_is_half_open_and_filters(practice: Practice) -> None:
    anna = practice.add_client("Anna Smith")
    ben = practice.add_client("Ben Jones")
    a1 = practice.book(anna.id, at(17, 10))
    b1 = practice.book(ben.id, at(17, 14))
    a2 = practice.book(anna.id, at(18, 10))
    practice.cancel(a2.id, Reason.CLIENT)

    def ids(**kw) -> list[int]:
        return [s.id for s in practice.list_sessions(**kw)]

    assert ids() == [a1.id, b1.id, a2.id]
    assert ids(start=at(17, 0), end=at(18, 0)) == [a1.id, b1.id]
    assert ids(start=at(17, 10, 50)) == [b1.id, a2.id]  # a1 ends exactly there
    assert ids(end=at(17, 14)) == [a1.id]  # b1 starts exactly there
    assert ids(start=at(17, 10, 49), end=at(17, 10, 50)) == [a1.id]
    assert ids(client_id=anna.id) == [a1.id, a2.id]
    assert ids(status=SessionStatus.CANCELLED) == [a2.id]


def test_search_puts_upcoming_first(practice: Practice, clock) -> None:
    anna = practice.add_client("Anna Smith")
    past = practice.book(anna.id, at(9, 10), force=True)
    soon = practice.book(anna.id, at(17, 10))
    later = practice.book(anna.id, at(24, 10))
    assert [s.id for s in practice.search_sessions("anna")] == [soon.id, later.id, past.id]
    assert practice.search_sessions("zed") == []


def test_time_off(practice: Practice) -> None:
    block = practice.add_time_off(at(24, 0, month=12), at(28, 0, month=12), " holiday ")
    assert block.reason == "holiday"
    assert practice.list_time_off(start=at(1, 0, month=12), end=at(2, 0, month=12)) == []
    assert practice.list_time_off(start=at(27, 0, month=12)) == [block]
    with pytest.raises(DomainError, match="time off must end after it starts"):
        practice.add_time_off(at(28, 0, month=12), at(24, 0, month=12))
    practice.remove_time_off(block.id)
    assert practice.list_time_off() == []
    with pytest.raises(NotFound, match=f"no time off with id {block.id}"):
        practice.remove_time_off(block.id)


# -- busy external events ------------------------------------------------------------------


def add_events(
    practice: Practice, *events: dict, enabled: bool = True, block_all_day: bool = False
) -> None:
    with practice.writing() as db:
        feed = FeedRow(
            name=f"work{'' if enabled else ' (off)'}",
            source="https://example.com/cal.ics",
            enabled=enabled,
            block_all_day=block_all_day,
            refresh_minutes=60,
            colour="#5f87af",
            last_error="",
            stale=False,
            event_count=len(events),
            created_at=practice.clock.now(),
        )
        db.add(feed)
        db.flush()
        for i, e in enumerate(events):
            all_day = isinstance(e["start"], date) and not isinstance(e["start"], datetime)
            start = date_to_utc_midnight(e["start"]) if all_day else e["start"]
            end = date_to_utc_midnight(e["end"]) if all_day else e["end"]
            db.add(
                ExternalEventRow(
                    feed_id=feed.id,
                    uid=f"ev{i}@example.com",
                    recurrence_id="",
                    start=start,
                    end=end,
                    all_day=all_day,
                    summary=e.get("summary", "Meeting"),
                    location="",
                    busy=e.get("busy", True),
                    cancelled=e.get("cancelled", False),
                    component_hash="",
                )
            )


def test_busy_timed_event_conflicts(practice: Practice) -> None:
    anna = practice.add_client("Anna Smith")
    add_events(practice, {"start": at(17, 10), "end": at(17, 11), "summary": "Supervision"})
    with pytest.raises(ConflictError) as info:
        practice.book(anna.id, at(17, 10, 30))
    assert [c.kind for c in info.value.conflicts] == [ConflictKind.EXTERNAL]
    assert "overlaps busy event 'Supervision'" in str(info.value)
    forced = practice.book(anna.id, at(17, 10, 30), force=True)
    fine = practice.book(anna.id, at(17, 14))
    assert practice.sessions_overlapping_busy_events(at(17, 0), at(18, 0)) == {forced.id}
    assert fine.id not in practice.sessions_overlapping_busy_events(at(17, 0), at(18, 0))


def test_busy_all_day_event_blocks_the_local_day_in_summer(practice: Practice) -> None:
    anna = practice.add_client("Anna Smith")
    away = {"start": date(2026, 7, 15), "end": date(2026, 7, 16), "summary": "Away"}
    add_events(practice, away, block_all_day=True)  # all-day events block only when told to
    with pytest.raises(ConflictError, match="overlaps busy event 'Away'"):
        practice.book(anna.id, at(15, 9, month=7))
    practice.book(anna.id, at(14, 17, month=7))  # the day before is free
    practice.book(anna.id, at(16, 9, month=7))  # and the day after
    events = practice.external_events(at(15, 0, month=7), at(16, 0, month=7))
    assert [(e.summary, e.all_day, e.start) for e in events] == [("Away", True, date(2026, 7, 15))]


@pytest.mark.parametrize(
    ("extra", "enabled"),
    [({"busy": False}, True), ({"cancelled": True}, True), ({}, False)],
    ids=["free", "cancelled", "feed disabled"],
)
def test_events_that_do_not_block(practice: Practice, extra: dict, enabled: bool) -> None:
    anna = practice.add_client("Anna Smith")
    add_events(practice, {"start": at(17, 10), "end": at(17, 11), **extra}, enabled=enabled)
    s = practice.book(anna.id, at(17, 10))
    assert practice.sessions_overlapping_busy_events(at(17, 0), at(18, 0)) == set()
    assert s.status is SessionStatus.SCHEDULED


def test_a_cancelled_session_is_not_marked_as_clashing(practice: Practice) -> None:
    anna = practice.add_client("Anna Smith")
    add_events(practice, {"start": at(17, 10), "end": at(17, 11)})
    s = practice.book(anna.id, at(17, 10), force=True)
    practice.cancel(s.id, Reason.PROFESSIONAL)
    assert practice.sessions_overlapping_busy_events(at(17, 0), at(18, 0)) == set()


def test_check_slot_takes_any_zone(practice: Practice) -> None:
    anna = practice.add_client("Anna Smith")
    s = practice.book(anna.id, at(17, 10))
    paris = ZoneInfo("Europe/Paris")
    start = datetime(2026, 11, 17, 11, 20, tzinfo=paris)  # 10:20 in London
    kinds = [c.kind for c in practice.check_slot(start, start + timedelta(minutes=50))]
    assert kinds == [ConflictKind.OVERLAP]
    assert practice.check_slot(start, start + timedelta(minutes=50), ignore_session_id=s.id) == []
    with pytest.raises(DomainError, match="must carry a time zone"):
        practice.check_slot(datetime(2026, 11, 17, 10), datetime(2026, 11, 17, 11))
    assert s.start.tzinfo == UTC


def test_several_settings_are_saved_together_or_not_at_all(practice: Practice) -> None:
    before = practice.professional()
    with pytest.raises(DomainError, match="is not working hours"):
        practice.set_settings({"late_fee_percent": "50", "working_hours": "always"})
    assert practice.professional() == before
    pro = practice.set_settings({"late_fee_percent": "50", "buffer_minutes": "5"})
    assert (pro.late_fee_percent, pro.buffer_minutes) == (50, 5)
