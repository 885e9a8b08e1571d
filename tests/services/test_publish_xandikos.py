"""The same publishing rules against a second CalDAV server, Xandikos (issue 18: "if practical")."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kara_tui.domain import Money, Reason
from kara_tui.services.publish_caldav import href_for
from kara_tui.services.publish_run import Publisher
from support.caldav import MONDAY, CountingClient, book, in_database, publisher_for
from xandikos_server import running


@pytest.fixture(scope="module")
def xandikos(tmp_path_factory):
    with running(tmp_path_factory.mktemp("xandikos")) as server:
        yield server


@pytest.fixture
def anna(practice):
    return practice.add_client("Anna Smith", fee=Money(9000, "GBP"))


def _uids(server, url: str) -> set[str]:
    import icalendar

    found = set()
    for text in server.resources(url).values():
        found |= {str(e["UID"]) for e in icalendar.Calendar.from_ical(text).walk("VEVENT")}
    return found


def test_change_cancel_delete_and_move_on_xandikos(practice, anna, xandikos) -> None:
    url = xandikos.calendar("moves")
    ids = book(practice, anna, 5)
    publisher = publisher_for(practice, url, detail="full")
    assert publisher.run()[0].written == 5
    practice.edit_session(ids[0], location="Room 2")
    practice.cancel(ids[1], Reason.CLIENT, notify=False)
    practice.delete(ids[2])
    practice.reschedule(ids[3], MONDAY + timedelta(days=3, hours=2), by=Reason.CLIENT,
                        notify=False)  # fmt: skip
    client = CountingClient(url)
    (report,) = Publisher(practice, publisher.targets, client=client).run()
    assert report.ok, report.message
    assert sorted(client.methods) == ["DELETE", "DELETE", "DELETE", "PUT", "PUT"]
    assert _uids(xandikos, url) == set(in_database(practice))
    client = CountingClient(url)
    Publisher(practice, publisher.targets, client=client).run()
    assert client.methods == []


def test_etag_mismatch_and_a_foreign_event_on_xandikos(practice, anna, xandikos) -> None:
    url = xandikos.calendar("etags")
    (sid,) = book(practice, anna, 1)
    foreign = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Phone//EN\r\nBEGIN:VEVENT\r\n"
        "UID:dentist@phone\r\nDTSTAMP:20261116T080000Z\r\nDTSTART:20261124T100000Z\r\n"
        "DTEND:20261124T110000Z\r\nSUMMARY:Dentist\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    xandikos.put(url + "dentist.ics", foreign)
    publisher = publisher_for(practice, url)
    publisher.run()
    href = href_for(url, practice.get_session(sid).uid)
    xandikos.put(href, xandikos.get(href).text.replace("SUMMARY:Busy", "SUMMARY:Edited"))
    practice.edit_session(sid, location="Room 9")
    (report,) = publisher.run()
    assert report.ok and any("changed on the calendar by someone else" in n for n in report.notes)
    assert "SUMMARY:Busy" in xandikos.get(href).text
    practice.cancel(sid, Reason.CLIENT, notify=False)
    publisher.run()
    assert _uids(xandikos, url) == {"dentist@phone"}
