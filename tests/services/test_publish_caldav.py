"""Publishing to a real Radicale on 127.0.0.1: only differences written, catch-up, and privacy."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from kara_tui.db.rows import PublishStateRow, SessionRow
from kara_tui.domain import Money, Reason
from kara_tui.services.publish_caldav import href_for
from kara_tui.services.publish_run import Publisher
from radicale_server import PASSWORD, USER, Radicale
from support.caldav import (
    MONDAY,
    CountingClient,
    book,
    in_database,
    on_server,
    publisher_for,
    read_back,
)

NAME, SERVICE, PLACE, NOTE = "Anna Smith", "Grief counselling", "12 Rose Street", "panic attacks"


@pytest.fixture
def anna(practice):
    return practice.add_client(NAME, email="anna@example.com", fee=Money(9000, "GBP"), notes=NOTE)


def _book(practice, anna, n: int) -> list[int]:
    """Sessions with a service and a place: what a busy target must never show."""
    return book(practice, anna, n, service=SERVICE, location=PLACE)


@pytest.mark.slow  # 500 PUTs to Radicale: about half a minute on two cores
def test_first_publish_of_500_sessions_then_nothing_to_write(
    practice, anna, radicale_server, caldav_url
) -> None:
    _book(practice, anna, 500)
    publisher = publisher_for(practice, caldav_url)
    (report,) = publisher.run()
    assert report.ok, report.message
    assert (report.written, report.deleted) == (500, 0)
    assert read_back(radicale_server, caldav_url) == in_database(practice)
    client = CountingClient(caldav_url)
    again = Publisher(practice, publisher.targets, client=client).run()
    assert again[0].ok and again[0].unchanged == 500
    assert client.methods == []  # a run with nothing changed sends no request at all


def test_change_cancel_delete_and_move_write_only_those(
    practice, anna, radicale_server, caldav_url
) -> None:
    ids = _book(practice, anna, 6)
    publisher = publisher_for(practice, caldav_url, detail="full")
    assert publisher.run()[0].written == 6
    practice.edit_session(ids[0], location="Room 2")
    practice.cancel(ids[1], Reason.CLIENT, notify=False)
    practice.delete(ids[2])
    moved = practice.reschedule(
        ids[3], MONDAY + timedelta(days=3, hours=2), by=Reason.CLIENT, notify=False
    )
    client = CountingClient(caldav_url)
    (report,) = Publisher(practice, publisher.targets, client=client).run()
    assert report.ok, report.message
    # The edit and the new session are PUT; the cancelled, the deleted and the moved-away go.
    assert sorted(client.methods) == ["DELETE", "DELETE", "DELETE", "PUT", "PUT"]
    stored = on_server(radicale_server, caldav_url)
    assert set(stored) == set(in_database(practice))
    assert str(stored[practice.get_session(ids[0]).uid]["LOCATION"]) == "Room 2"
    assert moved.uid in stored
    assert read_back(radicale_server, caldav_url) == in_database(practice)


def test_a_run_while_the_server_was_down_catches_up_with_nothing_doubled(
    practice, anna, tmp_path: Path
) -> None:
    from radicale_server import running

    with running(tmp_path / "dav") as server:
        url = server.calendar("work")
        ids = _book(practice, anna, 4)
        publisher = publisher_for(practice, url)
        assert publisher.run()[0].ok
        port = server.port
    # Down: changes meanwhile; the run fails, says so, and loses nothing.
    practice.cancel(ids[0], Reason.CLIENT, notify=False)
    _book(practice, anna, 6)  # two more (the first four are booked again at the same times)
    (down,) = publisher.run()
    assert not down.ok and "could not be reached" in down.message
    (target,) = publisher.targets.list()
    assert target.last_error and target.published == 4
    server = Radicale(tmp_path / "dav", auth=False)
    server.port = port
    server.start()
    try:
        (up,) = publisher.run()
        assert up.ok, up.message
        assert read_back(server, url) == in_database(practice)
        assert len(server.resources(url)) == len(in_database(practice)) == 9
        assert publisher.targets.list()[0].last_error == ""
    finally:
        server.stop()


def test_a_run_stopped_half_way_is_finished_by_the_next(
    practice, anna, radicale_server, caldav_url
) -> None:
    _book(practice, anna, 10)

    class Failing(CountingClient):
        def put(self, url, body, headers=None):
            if len(self.methods) >= 4:
                raise ConnectionError("network gone")
            return super().put(url, body, headers)

    publisher = publisher_for(practice, caldav_url, client=Failing(caldav_url))
    (first,) = publisher.run()
    assert not first.ok and first.written == 4
    # Ours was written but not recorded (a crash between): adopted, not doubled, not foreign.
    with practice.writing() as db:
        db.delete(db.scalars(select(PublishStateRow).limit(1)).one())
    (second,) = Publisher(practice, publisher.targets).run()
    assert second.ok and second.written == 7 and not second.notes
    assert len(radicale_server.resources(caldav_url)) == 10


def test_someone_elses_change_to_our_event_is_overwritten_with_a_note(
    practice, anna, radicale_server, caldav_url
) -> None:
    (sid,) = _book(practice, anna, 1)
    publisher = publisher_for(practice, caldav_url)
    publisher.run()
    uid = practice.get_session(sid).uid
    href = href_for(caldav_url, uid)
    text = radicale_server.get(href).text.replace("SUMMARY:Busy", "SUMMARY:Dentist (moved)")
    radicale_server.put(href, text)  # the phone's user edits it: a new ETag
    practice.edit_session(sid, location="Room 9")  # and kara-tui changes it too
    (report,) = publisher.run()
    assert report.ok, report.message
    assert any("changed on the calendar by someone else" in n for n in report.notes)
    assert "SUMMARY:Busy" in radicale_server.get(href).text
    assert "changed on the calendar" in publisher.targets.list()[0].last_note


def test_a_foreign_event_is_left_alone_even_at_our_address(
    practice, anna, radicale_server, caldav_url
) -> None:
    (sid,) = _book(practice, anna, 1)
    uid = practice.get_session(sid).uid
    foreign = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Phone//EN\r\nBEGIN:VEVENT\r\n"
        "UID:dentist@phone\r\nDTSTAMP:20261116T080000Z\r\nDTSTART:20261124T100000Z\r\n"
        "DTEND:20261124T110000Z\r\nSUMMARY:Dentist\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    radicale_server.put(caldav_url + "dentist.ics", foreign)
    squatter = foreign.replace("dentist@phone", uid).replace("Dentist", "Mine")
    radicale_server.put(href_for(caldav_url, uid), squatter)  # same UID space, not ours
    publisher = publisher_for(practice, caldav_url)
    (report,) = publisher.run()
    assert any("did not write" in n for n in report.notes)
    assert "SUMMARY:Mine" in radicale_server.get(href_for(caldav_url, uid)).text
    practice.cancel(sid, Reason.CLIENT, notify=False)
    publisher.run()
    resources = radicale_server.resources(caldav_url)
    assert "SUMMARY:Dentist" in resources["dentist.ics"]
    assert len(resources) == 2  # nothing of someone else's was deleted


def test_a_wrong_password_says_so_and_loses_nothing(
    practice, anna, radicale_auth_server, monkeypatch
) -> None:
    secret = "private-7f3a9c2e1b5d4e6f"
    url = radicale_auth_server.calendar(secret)
    _book(practice, anna, 2)
    monkeypatch.setenv("PHONE_PW", "wrong")
    publisher = publisher_for(practice, url, user=USER, password_env="PHONE_PW")
    (report,) = publisher.run()
    assert not report.ok
    assert "refused the user name or password" in report.message
    assert secret not in report.message and "private-•••" in report.message
    assert publisher.targets.list()[0].published == 0
    monkeypatch.setenv("PHONE_PW", PASSWORD)
    (report,) = publisher.run()
    assert report.ok and report.written == 2


def test_an_untrusted_certificate_is_refused_and_nothing_is_sent(
    practice, anna, tmp_path: Path
) -> None:
    from radicale_server import running

    with running(tmp_path / "tls", tls=True) as server:
        url = f"{server.base}/kara/work/"  # https, self-signed
        _book(practice, anna, 1)
        (report,) = publisher_for(practice, url).run()
        assert not report.ok and "TLS certificate could not be verified" in report.message
        assert not (server.storage / "collection-root" / "kara").exists()


def test_busy_leaks_no_name_service_place_or_note_to_the_server(
    practice, anna, radicale_server, caldav_url
) -> None:
    _book(practice, anna, 3)
    practice.add_time_off(MONDAY + timedelta(days=20), MONDAY + timedelta(days=22), "illness")
    (report,) = publisher_for(practice, caldav_url, time_off=True).run()
    assert report.ok and report.written == 4
    stored = "\n".join(radicale_server.resources(caldav_url).values())
    assert stored.count("SUMMARY:Busy") == 4
    everything = radicale_server.stored_text(caldav_url)  # its caches included
    assert len(everything) > 1000
    for secret in (NAME, "Anna", "Smith", "A.Sm.", SERVICE, PLACE, NOTE, "illness", "anna@"):
        assert secret not in everything


def test_the_state_matches_the_rows(practice, anna, caldav_url) -> None:
    _book(practice, anna, 2)
    publisher_for(practice, caldav_url).run()
    with practice.reading() as db:
        uids = set(db.scalars(select(PublishStateRow.uid)))
        assert uids == set(db.scalars(select(SessionRow.uid)))
