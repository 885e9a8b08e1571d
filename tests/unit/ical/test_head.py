"""A feed's head read without icalendar (ical/head.py) says what icalendar's reading of it says
(PRODID, the TZIDs defined, in order, no note), or leaves the head to icalendar."""

from __future__ import annotations

import sys
from datetime import UTC
from pathlib import Path

import pytest
from icalendar import Timezone

from kara_tui.ical.head import read_head
from kara_tui.ical.parse import _header
from kara_tui.ical.prepare import NotICalendar, prepare
from kara_tui.ical.timezones import ZoneResolver

ROOT = Path(__file__).resolve().parents[3]
for folder in (ROOT, ROOT / "tests" / "corpus"):  # benchmarks/ and the corpus helpers
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from benchmarks.generate import _VTIMEZONES  # noqa: E402 - Google's, as benchmarks write them
from corpus_helpers import corpus_files  # noqa: E402

LONDON = _VTIMEZONES["Europe/London"]
EVENT = "BEGIN:VEVENT\r\nUID:a\r\nDTSTART;VALUE=DATE:20261207\r\nEND:VEVENT\r\n"


def _feed(head: str) -> bytes:
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + head + EVENT + "END:VCALENDAR\r\n").encode()


def _icalendar_reading(header: str) -> tuple[str, list[str], tuple[str, ...]]:
    calendar, notes = _header(header)
    timezones = [c for c in calendar.subcomponents if isinstance(c, Timezone)]
    prodid = calendar.get("PRODID")
    ids = ZoneResolver(timezones, UTC).component_ids
    return ("" if prodid is None else str(prodid)), ids, notes


def _check(body: bytes) -> bool:
    """Whether the head was read without icalendar (it then must agree with icalendar)."""
    header = prepare(body).header
    head = read_head(header)
    if head is None:
        return False
    prodid, ids, notes = _icalendar_reading(header)
    assert (head.prodid, list(head.zone_ids), ()) == (prodid, ids, notes)
    assert ZoneResolver((), UTC, head.zone_ids).component_ids == ids
    return True


PLAIN = [
    "PRODID:-//Google Inc//Google Calendar 70.9054//EN\r\nX-WR-TIMEZONE:Europe/London\r\n",
    "PRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n" + LONDON,
    "PRODID:x\r\n" + LONDON + LONDON.replace("Europe/London", "America/New_York"),
    "METHOD:PUBLISH\r\nCALSCALE:GREGORIAN\r\nX-WR-CALNAME:Work\r\n" + LONDON,
    "PRODID:-//The Events Calendar//ECPv6.3.3//EN\r\n" + LONDON.replace("London", "Paris"),
    LONDON.replace("Europe/London", "UTC"),
    LONDON.replace("Europe/London", "Etc/GMT+5"),
]
NOT_PLAIN = [
    LONDON.replace("TZID:Europe/London", "TZID:W. Europe Standard Time"),
    LONDON.replace("TZID:Europe/London", "TZID:Customized Time Zone"),
    LONDON.replace("TZID:Europe/London", "TZID:/freeassociation.sourceforge.net/Europe/London"),
    LONDON.replace("TZOFFSETTO:+0100", "TZOFFSETTO:+01"),
    LONDON.replace("DTSTART:19700329T010000", "DTSTART:19700329"),
    LONDON.replace("TZNAME:BST", "TZNAME;LANGUAGE=en:BST"),
    LONDON.replace("BEGIN:DAYLIGHT", "BEGIN:X-OTHER").replace("END:DAYLIGHT", "END:X-OTHER"),
    "PRODID:a\\, b\r\n" + LONDON,
    "NAME;LANGUAGE=en:Work\r\n",
]


@pytest.mark.parametrize("head", PLAIN)
def test_a_plain_head_is_read_as_icalendar_reads_it(head: str) -> None:
    assert _check(_feed(head))


@pytest.mark.parametrize("head", NOT_PLAIN)
def test_any_other_head_is_left_to_icalendar(head: str) -> None:
    assert read_head(prepare(_feed(head)).header) is None


def test_every_corpus_head_read_without_icalendar_is_read_as_icalendar_reads_it() -> None:
    files = corpus_files()
    if not files:
        pytest.skip("the shared corpus is not here")
    read = 0
    for path in files:
        try:
            read += _check(path.read_bytes())
        except NotICalendar:
            continue
    assert read >= 10  # the corpus has many plain heads: the test is not empty
