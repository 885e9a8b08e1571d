"""prepare()'s shortcuts change nothing: clean VEVENTs read whole, and the body read in chunks.

The line-by-line path is the reference (it holds every repair the corpus needs);
the block path and the chunked decoding must give exactly the same lines, hashes
and notes, including on text built to sit on the edges of "clean".
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from kara_tui.ical import prepare as prep
from kara_tui.ical.prepare import NotICalendar, sniff

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "corpus"))
from corpus_helpers import corpus_files
from test_fastpath import generated_feed


def _event(*lines: str) -> str:
    return "BEGIN:VEVENT\r\n" + "\r\n".join(lines) + "\r\nEND:VEVENT\r\n"


PLAIN = ("UID:a@test", "DTSTART:20250301T100000Z", "DTSTAMP:20250101T000000Z", "SUMMARY:Hi")
ODD_EVENTS = [
    _event(*PLAIN),
    _event(*PLAIN, "BEGIN:VALARM", "ACTION:DISPLAY", "DTSTAMP:x", "END:VALARM"),
    _event(*PLAIN, "begin:valarm", "ACTION:DISPLAY", "end:valarm"),
    _event(*PLAIN, "BEGIN:VAL", " ARM", "ACTION:DISPLAY", "END:VALARM"),
    _event(*PLAIN, "END:VALARM", "SUMMARY:after a stray end"),
    _event(*PLAIN, "END:VALARM", "SUMMARY:x", "BEGIN:VALARM", "ACTION:DISPLAY"),
    _event(*PLAIN, "BEGIN:VALARM", "BEGIN:VALARM", "END:VALARM", "END:VALARM"),
    _event(*PLAIN, "BEGIN:VALARM", "ACTION:DISPLAY"),
    _event(*PLAIN, "BEGIN:VTODO", "SUMMARY:inner", "END:VTODO"),
    _event(*PLAIN, "", "LOCATION:after a blank line"),
    _event(*PLAIN, "DESCRIPTION:one", "unfolded second line", "LOCATION:x"),
    _event(*PLAIN, "DESCRIPTION:folded", " with a space", "\tand a tab"),
    _event(" UID:starts with a fold", *PLAIN),
    _event(*PLAIN, "SUMMARY:line\u2028separator"),
    _event(*PLAIN, "SUMMARY:nel\x85here"),
    _event(*PLAIN, "SUMMARY:lone\nfeed"),
    _event(*PLAIN, "SUMMARY:lone\rreturn"),
    _event(*PLAIN, "RRULE:FREQ=WEEKLY; BYDAY=MO, TU", "EXDATE:", "RDATE:"),
    _event(*PLAIN, 'DTEND;TZID="W. Europe Standard Time:20200609T090000"'),
    _event(*PLAIN, "dtstamp:20250101T000000Z", "Summary:mixed case"),
    _event(*PLAIN, "X-NO-COLON;param"),
    _event(*PLAIN, "VERSION"),
    "BEGIN:VEVENT\r\nEND:VEVENT\r\n",
    _event(*PLAIN) + " a fold after END:VEVENT\r\n",
    _event(*PLAIN) + "garbage after the event\r\n",
]


def _result(body: bytes) -> Any:
    try:
        p = prep.prepare(body)
    except NotICalendar as error:
        return ("unreadable", str(error))
    events = [(e.uid, e.digest, e.has_recurrence, e.text) for e in p.events]
    return (p.header, events, p.timezone_ids, p.calendar_name, p.x_wr_timezone, p.notes)


def _line_by_line(body: bytes, monkeypatch: pytest.MonkeyPatch) -> Any:
    with monkeypatch.context() as m:
        m.setattr(prep, "_USE_BLOCKS", False)
        return _result(body)


def _bodies() -> list[tuple[str, bytes]]:
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
    out = [
        (f"odd-{i}", (head + e + "END:VCALENDAR\r\n").encode()) for i, e in enumerate(ODD_EVENTS)
    ]
    out.append(("all-odd", (head + "".join(ODD_EVENTS) + "END:VCALENDAR\r\n").encode()))
    out += [(f"generated-{seed}", generated_feed(seed)) for seed in range(3)]
    return out


@pytest.mark.parametrize(("name", "body"), _bodies(), ids=lambda v: v if isinstance(v, str) else "")
def test_whole_vevents_read_like_line_by_line(
    name: str, body: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _result(body) == _line_by_line(body, monkeypatch)


@pytest.mark.parametrize("odd", range(len(ODD_EVENTS)))
def test_an_odd_event_among_plain_ones_reads_like_line_by_line(
    odd: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chunk whose every line break is plain lets its blocks skip _clean()'s per-block
    checks (_all_plain_breaks); one odd event anywhere in it must not let them."""
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
    plain = _event(*PLAIN).replace("a@test", "b@test")
    for events in ([plain, ODD_EVENTS[odd], plain], [plain, plain, ODD_EVENTS[odd]]):
        body = (head + "".join(events) + "END:VCALENDAR\r\n").encode()
        assert _result(body) == _line_by_line(body, monkeypatch)
    body = (head + plain + plain + "END:VCALENDAR\r\n").encode()
    assert prep._all_plain_breaks(body.decode())
    assert not prep._all_plain_breaks(body.decode().replace("END:VCALENDAR", "\nx"))


def test_a_line_head_read_once_means_the_same_inside_an_alarm_and_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """_read_block keeps what a head says of its lines (_LINE_KINDS): a SUMMARY is kept, but
    not inside an alarm; a value ending in a quote is still mended; DTSTAMP is never hashed."""
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
    events = [
        _event(*PLAIN, 'DTEND;TZID="W. Europe Standard Time:20200609T090000"'),
        _event(*PLAIN, "BEGIN:VALARM", "SUMMARY:in the alarm", "DTSTAMP:y", "END:VALARM"),
        _event(*PLAIN, 'DTEND;TZID="W. Europe Standard Time:20200609T090000"', "Summary:x"),
    ]
    body = (head + "".join(events) + "END:VCALENDAR\r\n").encode()
    monkeypatch.setattr(prep, "_LINE_KINDS", {})
    cold = _result(body)
    assert prep._LINE_KINDS  # read once...
    assert _result(body) == cold == _line_by_line(body, monkeypatch)  # ...and the same again
    assert "in the alarm" not in cold[1][1][3]


def test_the_corpus_reads_the_same_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    used = 0
    real = prep._read_block

    def counting(inner: str) -> Any:
        nonlocal used
        found = real(inner)
        used += found is not None
        return found

    for path in corpus_files():
        body = path.read_bytes()
        with monkeypatch.context() as m:
            m.setattr(prep, "_read_block", counting)
            fast = _result(body)
        assert fast == _line_by_line(body, monkeypatch), path.name
    assert used > 1000 or not corpus_files()


@pytest.mark.parametrize("chunk", [1, 7, 100, 4096])
def test_small_chunks_change_nothing(chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunk ends land inside events, folds, CRLFs and multi-byte characters ("Café → Zoë")."""
    body = generated_feed(1)
    whole = _result(body)
    with monkeypatch.context() as m:
        m.setattr(prep, "_CHUNK_BYTES", chunk)
        assert _result(body) == whole
        assert _line_by_line(body, monkeypatch) == whole


def test_damaged_utf8_is_noted_once_and_first() -> None:
    body = ("BEGIN:VCALENDAR\r\n" + _event(*PLAIN) + "END:VCALENDAR\r\n").encode()
    body = body.replace(b"SUMMARY:Hi", b"SUMMARY:H\xffi")
    notes = prep.prepare(body).notes
    assert notes == ["some text was not valid UTF-8 and was replaced"]


@pytest.mark.parametrize(
    ("text", "calendar"),
    [
        ("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", True),
        ("begin:vcalendar\r\nend:vcalendar\r\n", True),
        ("X-NOTE:ß\r\nBegin:VEvent\r\nEnd:VEvent\r\n", True),
        ("BEGIN:VCARD\r\nEND:VCARD\r\n", False),
        ("begin:vcard\r\nend:vcard\r\n", False),
    ],
)
def test_a_calendar_is_told_apart_in_any_case(text: str, calendar: bool) -> None:
    """sniff() finds BEGIN:VCALENDAR or BEGIN:VEVENT as written before it upper-cases the
    text to look again (issue 19: most feeds write it so)."""
    try:
        sniff(text)
    except NotICalendar:
        assert not calendar
    else:
        assert calendar
