"""Editing, archiving, restoring clients and their sponsored credit: state and audit on a real file."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

import pytest

from kara_tui.domain import DomainError, Money, Programme, Reason, SessionStatus
from kara_tui.services.clients import ClientBook, ClientChanges

TUE = datetime(2026, 11, 17, 10, tzinfo=UTC)
WED = datetime(2026, 11, 18, 10, tzinfo=UTC)


@pytest.fixture
def book(practice) -> ClientBook:
    return ClientBook(practice)


def _audit(db_url: str, entity: str, action: str) -> list[tuple]:
    conn = sqlite3.connect(db_url.removeprefix("sqlite:///"))
    try:
        return conn.execute(
            "SELECT entity_id, before, after, reason FROM audit_events"
            " WHERE entity = ? AND action = ? ORDER BY id",
            (entity, action),
        ).fetchall()
    finally:
        conn.close()


def test_edit_changes_every_field_and_audits_before_and_after(practice, book, db_url) -> None:
    anna = practice.add_client("Anna Smith", email="anna@example.com", fee=Money(9000, "GBP"))
    edited = book.edit(
        "Anna",
        ClientChanges(
            name="Anna Jones",
            email="aj@example.com",
            phone="0123",
            programme=Programme.SPONSORED,
            fee=Money(9500, "EUR"),
            window_hours=48,
            notes="prefers mornings",
        ),
    )
    assert (edited.name, edited.email, edited.phone, edited.programme) == (
        "Anna Jones",
        "aj@example.com",
        "0123",
        Programme.SPONSORED,
    )
    assert (edited.fee, edited.window_hours, edited.notes) == (
        Money(9500, "EUR"),
        48,
        "prefers mornings",
    )
    assert practice.find_client(anna.id) == edited
    ((entity_id, before, after, _),) = _audit(db_url, "client", "edit")
    assert entity_id == anna.id
    assert json.loads(before)["fee"] == "90.00 GBP" and json.loads(after)["fee"] == "95.00 EUR"
    assert "prefers mornings" not in after  # private notes stay out of the trail
    assert json.loads(after)["notes"] == "changed"
    # Notes of the same length are still a change.
    assert book.edit(anna.id, ClientChanges(notes="prefers evenings")).notes == "prefers evenings"
    cleared = book.edit(anna.id, ClientChanges(clear_window=True))
    assert cleared.window_hours is None


def test_a_new_fee_applies_to_later_bookings_unless_future_ones_are_updated(practice, book) -> None:
    practice.add_client("Anna Smith", fee=Money(9000, "GBP"))
    first = practice.book("Anna Smith", TUE)
    book.edit("Anna Smith", ClientChanges(fee=Money(9500, "GBP")))
    assert practice.get_session(first.id).fee == Money(9000, "GBP")
    assert practice.book("Anna Smith", WED).fee == Money(9500, "GBP")
    paid = practice.book("Anna Smith", datetime(2026, 11, 19, 10, tzinfo=UTC), prepaid=True)
    book.edit("Anna Smith", ClientChanges(fee=Money(10000, "GBP")), update_future_fees=True)
    assert practice.get_session(first.id).fee == Money(10000, "GBP")
    assert practice.get_session(paid.id).fee == Money(9500, "GBP")  # prepaid: kept
    assert [a.action for a in practice.history(first.id)] == ["book", "fee"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (ClientChanges(name="  "), "a client needs a name"),
        (ClientChanges(name="123"), "cannot be only digits"),
        (ClientChanges(email="nope"), "'nope' is not an email address"),
        (ClientChanges(window_hours=400), "between 0 and 336 hours"),
        (ClientChanges(fee=Money(-1, "GBP")), "a fee cannot be negative"),
        (ClientChanges(name="ben jones"), "an active client is already called 'Ben Jones' (id 2"),
        (ClientChanges(), "nothing to change for Anna Smith"),
        (ClientChanges(name="Anna\x1b[31m"), "a client's name cannot contain control characters"),
        (ClientChanges(notes="x" * 2001), "the notes has at most 2000 characters"),
        (ClientChanges(fee=Money(100, "XYZ")), "'XYZ' is not an ISO 4217 currency code"),
    ],
)
def test_bad_edits_are_refused_and_change_nothing(practice, book, changes, message) -> None:
    anna = practice.add_client("Anna Smith", fee=Money(9000, "GBP"))
    practice.add_client("Ben Jones", email="ben@example.com")
    with pytest.raises(DomainError, match=message.replace("(", r"\(")):
        book.edit("Anna Smith", changes)
    assert practice.find_client(anna.id) == anna


def test_a_second_active_client_of_the_same_name_is_refused_with_the_first_ones_details(
    practice,
) -> None:
    practice.add_client("Anna Smith", email="anna@example.com", fee=Money(9000, "GBP"))
    with pytest.raises(DomainError) as err:
        practice.add_client("anna  smith")
    assert str(err.value) == (
        "an active client is already called 'Anna Smith' (id 1, anna@example.com, private,"
        " fee 90.00 GBP); use a name that tells them apart (an initial, a middle name)"
    )
    assert len(practice.list_clients(include_archived=True)) == 1


def test_archive_refuses_while_sessions_are_to_come(practice, book) -> None:
    practice.add_client("Anna Smith", fee=Money(9000, "GBP"))
    practice.book("Anna Smith", TUE)
    with pytest.raises(DomainError, match=r"Anna Smith has 1 session\(s\) still to come \(Tue 17"):
        book.archive("Anna Smith")
    assert not practice.find_client("Anna Smith").archived


def test_archive_can_cancel_future_sessions_as_by_the_professional(practice, book, db_url) -> None:
    practice.add_client("Anna Smith", email="anna@example.com", fee=Money(9000, "GBP"))
    s = practice.book("Anna Smith", TUE)
    done = book.archive("Anna Smith", cancel_future=True)
    assert [c.id for c in done.cancelled] == [s.id]
    cancelled = practice.get_session(s.id)
    assert cancelled.status is SessionStatus.CANCELLED
    assert cancelled.cancellation.reason is Reason.PROFESSIONAL
    assert cancelled.charges == ()
    assert done.client.archived
    assert practice.list_clients() == []
    assert [c.name for c in practice.list_clients(include_archived=True)] == ["Anna Smith"]
    assert practice.search_sessions("Anna") == []  # archived clients leave the search
    assert len(practice.list_notifications()) == 1  # the client is told
    assert _audit(db_url, "client", "archive")[0][3] == "1 future session(s) cancelled"
    with pytest.raises(DomainError, match="is archived; restore the client to book"):
        practice.book("Anna Smith", WED)


def test_restore_brings_a_client_back_unless_the_name_was_taken(practice, book) -> None:
    old = practice.add_client("Anna Smith")
    book.archive("Anna Smith")
    with pytest.raises(DomainError, match="already archived"):
        book.archive(old.id)
    new = practice.add_client("Anna Smith")  # a new client may take an archived name
    assert practice.find_client("Anna Smith").id == new.id  # the active one is meant
    with pytest.raises(DomainError, match="an active client is already called 'Anna Smith'"):
        book.restore("Anna Smith")
    book.edit(new.id, ClientChanges(name="Anna B Smith"))
    assert book.restore("Anna Smith").archived is False
    with pytest.raises(DomainError, match="is not archived"):
        book.restore(old.id)


def test_sponsored_credit_top_up_and_correction_never_below_zero(practice, book, db_url) -> None:
    practice.add_client("Ben Jones", programme=Programme.SPONSORED, sponsored_credit=1)
    practice.book("Ben Jones", TUE)  # holds the one session of credit
    assert book.add_credit("Ben Jones", 10, "PO 4411").sponsored_credit == 10
    assert book.credit_held(practice.find_client("Ben Jones").id) == 1
    assert book.add_credit("Ben Jones", -3, "typo").sponsored_credit == 7
    with pytest.raises(DomainError, match=r"has 7 session\(s\) of credit left; -8 would leave -1"):
        book.add_credit("Ben Jones", -8)
    with pytest.raises(DomainError, match="changes nothing"):
        book.add_credit("Ben Jones", 0)
    with pytest.raises(DomainError, match="sponsored credit is at most 1000 sessions"):
        book.add_credit("Ben Jones", 994)
    assert practice.find_client("Ben Jones").sponsored_credit == 7
    trail = _audit(db_url, "client", "credit")
    assert [(json.loads(b), json.loads(a), r) for _, b, a, r in trail] == [
        ({"sponsored_credit": 0}, {"sponsored_credit": 10}, "PO 4411"),
        ({"sponsored_credit": 10}, {"sponsored_credit": 7}, "typo"),
    ]


def test_credit_is_for_sponsored_clients_only(practice, book) -> None:
    practice.add_client("Anna Smith")
    with pytest.raises(DomainError, match="Anna Smith is a private client"):
        book.add_credit("Anna Smith", 5)


def test_own_reminder_leads_are_an_audited_edit_and_a_bad_lead_changes_nothing(
    practice, book, db_url
) -> None:
    anna = practice.add_client("Anna Smith", email="anna@example.com", fee=Money(9000, "GBP"))
    assert book.edit("Anna", ClientChanges(reminders="2, 48")).reminder_leads == "48,2"
    assert book.edit("Anna", ClientChanges(reminders="none")).reminder_leads == "none"
    with pytest.raises(DomainError, match="'12' is not a reminder lead"):
        book.edit("Anna", ClientChanges(reminders="12", phone="0123"))
    assert practice.find_client(anna.id).phone == ""  # nothing of a refused edit is kept
    assert book.edit("Anna", ClientChanges(reminders="default")).reminder_leads is None
    with pytest.raises(DomainError, match="nothing to change"):
        book.edit("Anna", ClientChanges(reminders=""))
    trail = [
        (json.loads(b)["reminder_leads"], json.loads(a)["reminder_leads"])
        for _, b, a, _ in _audit(db_url, "client", "edit")
    ]
    assert trail == [(None, "48,2"), ("48,2", "none"), ("none", None)]
