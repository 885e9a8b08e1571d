"""outline() cuts a body into UID groups exactly as the parser groups it, or says it cannot.

On every corpus file and on the generated edge-case feeds of test_fastpath: the
outline is None or its keys are the parser's group keys; parsing only one group
gives exactly that group's occurrences and problems from the whole parse; editing
one event changes only its group's digest, editing DTSTAMP changes nothing and
editing a VTIMEZONE changes the head's digest.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fastpath import WINDOWS as FAST_WINDOWS
from test_fastpath import _assert_same, _both, generated_feed

from kara_tui.ical import outline as outline_module
from kara_tui.ical.expand.properties import uid_key
from kara_tui.ical.expand.triage import without_groups_outside as _without_groups_outside
from kara_tui.ical.outline import Outline, keep_blocks, outline, select
from kara_tui.ical.parse import (
    FeedUnreadable,
    ParseResult,
    clean_text,
    parse_feed,
)
from kara_tui.ical.prepare import NotICalendar, prepare
from support.examples import examples
from support.marks import slow_after_first

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "ical-corpus"
NOT_CALENDARS = {"README.md", "EXPECTED.md", "manifest.json", "UPSTREAM_LICENSE.txt"}
CORPUS_FILES = (
    sorted(
        path
        for path in CORPUS.rglob("*")
        if path.is_file() and path.name not in NOT_CALENDARS and path.suffix in (".ics", ".txt")
    )
    if CORPUS.is_dir()
    else []
)
WINDOWS: list[tuple[datetime, datetime, tzinfo]] = [
    (datetime(1990, 1, 1, tzinfo=UTC), datetime(2035, 1, 1, tzinfo=UTC), UTC),
    (
        datetime(2025, 1, 1, tzinfo=ZoneInfo("Europe/London")),
        datetime(2025, 11, 1, tzinfo=ZoneInfo("Europe/London")),
        ZoneInfo("Europe/Berlin"),
    ),
]
GROUPS_CHECKED = 12  # per body and window: parsing every group of a big file one by one is slow


def _parse(body: bytes, window: tuple[datetime, datetime, tzinfo], **kwargs: object) -> ParseResult:
    start, end, tz = window
    return parse_feed(body, window_start=start, window_end=end, default_tz=tz, **kwargs)  # type: ignore[arg-type]


def _parser_keys(body: bytes) -> set[str]:
    """The key the parser groups each VEVENT by (see parse._split)."""
    return {
        uid_key(source, clean_text) or f"no-uid-{source.digest}" for source in prepare(body).events
    }


def _by_uid(result: ParseResult, uid: str) -> tuple[list[str], list[str]]:
    return (
        sorted(repr(o) for o in result.occurrences if o.uid == uid),
        sorted(repr(p) for p in result.problems if p.uid == uid),
    )


def check_outline(body: bytes, seed: int) -> Outline | None:
    """Everything the outline promises, on one body; returns the outline."""
    shape = outline(body)
    if shape is None:
        return None
    assert set(shape.groups) == _parser_keys(body)
    events = prepare(body).events
    assert list(shape.block_uids) == [uid_key(source, clean_text) for source in events]
    assert shape.event_count == len(events)
    rng = random.Random(seed)
    keys = sorted(shape.groups)
    for window in WINDOWS:
        whole = _parse(body, window)
        assert whole.outline == shape
        assert whole.event_count == shape.event_count
        assert {o.uid for o in whole.occurrences} <= set(shape.groups)
        assert {p.uid for p in whole.problems} <= set(shape.groups) | {""}
        reached = sorted(
            {o.uid for o in whole.occurrences} | {p.uid for p in whole.problems if p.uid}
        )
        picked = set(rng.sample(keys, min(len(keys), GROUPS_CHECKED // 2)))
        picked |= set(rng.sample(reached, min(len(reached), GROUPS_CHECKED // 2)))
        for key in sorted(picked):
            indexes = [index for index, uid in enumerate(shape.block_uids) if uid == key]
            assert select(body, shape, {key}) == keep_blocks(body, shape, indexes)
            part = _parse(body, window, only={key}, outline=shape)
            assert _by_uid(part, key) == _by_uid(whole, key), key
            assert {o.uid for o in part.occurrences} <= {key}
            assert {p.uid for p in part.problems} <= {key, ""}
            assert part.event_count == whole.event_count
            assert part.calendar_name == whole.calendar_name
        several = set(rng.sample(keys, min(len(keys), 3)))
        part = _parse(body, window, only=several)
        assert sorted(map(repr, part.occurrences)) == sorted(
            repr(o) for o in whole.occurrences if o.uid in several
        )
        assert _parse(body, window, only=()).occurrences == []
    return shape


_BLOCK = re.compile(rb"BEGIN:VEVENT\r?\n.*?END:VEVENT\r?\n", re.DOTALL)
_UID = re.compile(rb"\nUID:([^\r\n]*)")


def _stamped(body: bytes, stamp: bytes) -> bytes:
    """Every VEVENT with its DTSTAMP set to ``stamp`` (added after BEGIN:VEVENT where missing)."""
    eol = b"\r\n" if b"\r\n" in body else b"\n"
    body = re.sub(rb"\nDTSTAMP:[0-9TZ]+", b"\nDTSTAMP:" + stamp, body)
    if b"\nDTSTAMP:" + stamp not in body:
        start = b"BEGIN:VEVENT" + eol
        body = body.replace(start, start + b"DTSTAMP:" + stamp + eol)
    return body


def check_edits(body: bytes, shape: Outline, seed: int) -> None:
    """One event edited: only its group's digest moves; DTSTAMP: nothing; a VTIMEZONE: the head."""
    rng = random.Random(seed)
    blocks = list(_BLOCK.finditer(body))
    block = rng.choice(blocks)
    text = block.group(0)
    uid = _UID.search(text)
    assert uid is not None
    key = uid.group(1).decode()
    eol = b"\r\n" if text.endswith(b"\r\n") else b"\n"
    for edited in (
        text.replace(eol + b"END:VEVENT", eol + b"X-EDITED:1" + eol + b"END:VEVENT"),
        text.replace(b"BEGIN:VEVENT" + eol, b"BEGIN:VEVENT" + eol + b"SEQUENCE:9" + eol, 1),
        text.replace(b"\nUID:", b"\nSUMMARY:x" + eol + b"UID:", 1),
    ):
        changed = outline(body[: block.start()] + edited + body[block.end() :])
        if changed is None:
            continue
        assert changed.head_digest == shape.head_digest
        assert changed.groups.keys() == shape.groups.keys()
        assert {k for k in shape.groups if shape.groups[k] != changed.groups[k]} == {key}
    first = outline(_stamped(body, b"20240101T000000Z"))
    if first is not None:
        assert outline(_stamped(body, b"20991231T235959Z")) == first
    zone = body.find(b"\nTZOFFSETTO:")
    if 0 <= zone < blocks[0].start():
        end = body.find(b"\n", zone + 1)
        other = outline(body[:zone] + b"\nTZOFFSETTO:+0130" + body[end - len(eol) + 1 :])
        if other is not None:
            assert other.head_digest != shape.head_digest
            assert other.groups == shape.groups


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_corpus_outline_groups_match_the_parser(path: Path) -> None:
    body = path.read_bytes()
    try:
        shape = check_outline(body, seed=len(body))
    except (FeedUnreadable, NotICalendar):
        assert outline(body) is None or not outline(body).groups  # type: ignore[union-attr]
        return
    if shape is not None:
        check_edits(body, shape, seed=len(body))


def test_most_of_the_corpus_has_an_outline() -> None:
    """The checks above mean something only if outline() says yes often."""
    if not CORPUS_FILES:
        pytest.skip(f"the iCalendar corpus is not at {CORPUS}")
    shaped = sum(outline(path.read_bytes()) is not None for path in CORPUS_FILES)
    assert shaped > len(CORPUS_FILES) / 3


def _plain_uids(body: bytes) -> bytes:
    """The feed with exactly one plain UID line per VEVENT (the generated feeds have events
    without UID, with two, and with escaped ones: outline() says None to those)."""
    count = 0

    def fix(match: re.Match[bytes]) -> bytes:
        nonlocal count
        count += 1
        text = match.group(0)
        eol = b"\r\n" if text.endswith(b"\r\n") else b"\n"
        lines = text.split(eol)
        uids = [line for line in lines if line.upper().startswith(b"UID")]
        rest = [line for line in lines if not line.upper().startswith(b"UID")]
        uid = (
            uids[0] if uids and re.fullmatch(rb"UID:[\w@.-]+", uids[0]) else b"UID:made-%d" % count
        )
        return eol.join([rest[0], uid, *rest[1:]])

    return _BLOCK.sub(fix, body)


@pytest.mark.parametrize("seed", slow_after_first(range(6)))  # ~5 s each
def test_generated_feed_outline_groups_match_the_parser(seed: int) -> None:
    for hostile in (False, True):
        for body in (generated_feed(seed, 120, hostile=hostile), generated_feed(seed, 40)):
            plain = _plain_uids(body)
            for lines in (body, plain, plain.replace(b"\r\n", b"\n")):
                shape = check_outline(lines, seed)
                if shape is not None:
                    check_edits(lines, shape, seed)
                else:
                    assert lines is body  # the plain ones must be cut


BASE = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
    b"BEGIN:VTIMEZONE\r\nTZID:Custom\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
    b"TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
    b"BEGIN:VEVENT\r\nDTSTART;TZID=Custom:20250301T100000\r\nDTEND;TZID=Custom:20250301T110000\r\n"
    b"DTSTAMP:20250101T000000Z\r\nUID:one@test\r\nSUMMARY:One\r\nBEGIN:VALARM\r\n"
    b"ACTION:DISPLAY\r\nTRIGGER:-PT10M\r\nEND:VALARM\r\nEND:VEVENT\r\n"
    b"BEGIN:VEVENT\r\nDTSTART:20250302T100000Z\r\nRRULE:FREQ=WEEKLY;COUNT=5\r\n"
    b"UID:two@test\r\nSUMMARY:Two\r\nEND:VEVENT\r\n"
    b"BEGIN:VEVENT\r\nRECURRENCE-ID:20250309T100000Z\r\nDTSTART:20250309T120000Z\r\n"
    b"UID:two@test\r\nSUMMARY:Two moved\r\nEND:VEVENT\r\n"
    b"BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20250303\r\nUID:three@test\r\n"
    b"DESCRIPTION:a long\r\n  folded text\r\nEND:VEVENT\r\n"
    b"END:VCALENDAR\r\n"
)


def test_a_plain_feed_has_an_outline_with_one_digest_per_uid() -> None:
    shape = outline(BASE)
    assert shape is not None
    assert sorted(shape.groups) == ["one@test", "three@test", "two@test"]
    assert shape.event_count == 4
    assert outline(BASE.replace(b"\r\n", b"\n")) is not None
    assert outline(b"\xef\xbb\xbf" + BASE) is not None


def test_the_patterns_of_a_line_ending_are_built_when_a_body_first_has_it() -> None:
    outline_module._patterns.cache_clear()
    assert outline(BASE) is not None
    assert outline_module._patterns.cache_info().currsize == 1  # CR LF only: no LF patterns


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b"UID:one@test\r\n", b"UID:one@te\r\n st\r\n"),  # folded UID
        (b"UID:one@test\r\n", b"UID:one\\,test\r\n"),  # escaped
        (b"UID:one@test\r\n", b"UID:one@test \r\n"),  # space clean_text() strips
        (b"UID:one@test\r\n", b"UID:one\x01test\r\n"),  # control character
        (b"UID:one@test\r\n", b"UID;X-A=1:one@test\r\n"),  # parameter
        (b"UID:one@test\r\n", b"uid:one@test\r\n"),  # lower case name
        (b"UID:one@test\r\n", b"UID:\xffone\r\n"),  # not UTF-8
        (b"UID:one@test\r\n", b""),  # no UID
        (b"UID:one@test\r\n", b"UID:one@test\r\nUID:other@test\r\n"),  # two UIDs
        (b"UID:one@test\r\n", b"UID:one@test\r\nnot a property line\r\n"),  # continued UID
        (b"SUMMARY:One\r\n", b"SUMMARY:One\rUID:x@test\r\n"),  # a line only CR starts
        (b"SUMMARY:Two\r\nEND:VEVENT", b"SUMMARY:Two\r\nend:vevent"),  # lower case END
        (b"END:VALARM\r\n", b"END:VALARM\r\n \r\n"),  # something folded into END:VALARM
        (b"END:VALARM\r\n", b""),  # an alarm that does not end
        (b"BEGIN:VALARM\r\n", b"BEGIN:VTODO\r\n"),  # another component inside
        (b"END:VEVENT\r\nBEGIN:VEVENT", b"END:VEVENT\r\nX-WR-CALNAME:x\r\nBEGIN:VEVENT"),
        (b"END:VTIMEZONE\r\n", b""),  # events inside a zone that never ends
        (b"END:VCALENDAR\r\n", b"END:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n"),
        (b"BEGIN:VCALENDAR\r\n", b""),  # a bare list of events
        (b"DTEND;TZID=Custom:20250301T110000\r\n", b"DTEND:1\nUID:x@test\r\n"),  # mixed ends
    ],
)
def test_outline_says_none_where_bytes_cannot_tell(old: bytes, new: bytes) -> None:
    assert old in BASE
    assert outline(BASE.replace(old, new, 1)) is None


@pytest.mark.parametrize(
    "odd", [b"\xe2\x80\xa8uid:x@test", b"\xc2\x85END:VEVENT", b"\x0bBEGIN:VEVENT", b"\x0c\x1c"]
)
def test_other_line_breaks_are_text_inside_a_value(odd: bytes) -> None:
    """prepare() breaks lines at CR and LF only: a LINE SEPARATOR in a summary cannot add a UID."""
    body = BASE.replace(b"SUMMARY:One\r\n", b"SUMMARY:One" + odd + b"\r\n")
    shape = check_outline(body, seed=1)
    assert shape is not None
    assert sorted(shape.groups) == ["one@test", "three@test", "two@test"]
    result = _parse(body, WINDOWS[0])
    one = next(o for o in result.occurrences if o.uid == "one@test")
    assert one.summary.startswith("One")
    assert one.summary.isprintable()


def test_dtstamp_lines_are_left_out_but_nothing_else_is() -> None:
    shape = outline(BASE)
    assert shape is not None
    assert outline(BASE.replace(b"DTSTAMP:20250101T000000Z", b"DTSTAMP:20991231T000000Z")) == shape
    assert outline(BASE.replace(b"DTSTAMP:20250101T000000Z", b"DTSTAMP;X=1:2")) == shape
    gone = outline(BASE.replace(b"DTSTAMP:20250101T000000Z\r\n", b""))  # a line less is a change
    assert gone is not None
    assert {k for k in shape.groups if gone.groups[k] != shape.groups[k]} == {"one@test"}
    alarm = outline(BASE.replace(b"TRIGGER:-PT10M", b"TRIGGER:-PT15M"))
    assert alarm is not None
    assert {k for k in shape.groups if alarm.groups[k] != shape.groups[k]} == {"one@test"}
    moved = outline(BASE.replace(b"Two moved", b"Two moved!"))
    assert moved is not None
    assert {k for k in shape.groups if moved.groups[k] != shape.groups[k]} == {"two@test"}
    folded = outline(BASE.replace(b"  folded", b"  fold"))
    assert folded is not None
    assert {k for k in shape.groups if folded.groups[k] != shape.groups[k]} == {"three@test"}
    zone = outline(BASE.replace(b"TZOFFSETTO:+0100", b"TZOFFSETTO:+0200"))
    assert zone is not None
    assert zone.groups == shape.groups
    assert zone.head_digest != shape.head_digest
    named = outline(BASE.replace(b"PRODID:-//test//EN", b"PRODID:-//test//EN\r\nX-WR-CALNAME:x"))
    assert named is not None
    assert named.head_digest != shape.head_digest


# Bytes that make prepare() and the parser work hardest: line breaks of every kind,
# folds, case, escapes, parameters, the words that open and close components.
_PIECES = st.sampled_from(
    [b"\r\n", b"\n", b"\r", b" ", b"\t", b"\r\n ", b"\x0b", b"\xc2\x85", b"\xe2\x80\xa8", b"\\",
     b"BEGIN:VEVENT", b"END:VEVENT", b"begin:vevent", b"BEGIN:VALARM", b"END:VALARM",
     b"UID:", b"uid:", b"UID;X=1:", b"DTSTAMP:", b"END:VCALENDAR", b"BEGIN:VTIMEZONE",
     b"DTSTART:20250305T100000Z", b"RRULE:FREQ=DAILY", b"\xff", b"one@test", b"two@test", b":", b";"]
)  # fmt: skip


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(st.tuples(st.integers(0, len(BASE)), _PIECES, st.integers(0, 3)), max_size=3))
def test_damaged_feeds_are_cut_right_or_not_at_all(edits: list[tuple[int, bytes, int]]) -> None:
    body = BASE
    for at, piece, drop in edits:
        body = body[:at] + piece + body[at + drop :]
    shape = outline(body)
    if shape is None:
        return
    window = WINDOWS[0]
    try:
        keys = _parser_keys(body)
    except NotICalendar:  # cut off before END:VCALENDAR: unreadable whole and in part (issue 14)
        with pytest.raises(FeedUnreadable):
            _parse(body, window)
        for key in shape.groups:
            with pytest.raises(FeedUnreadable):
                _parse(body, window, only={key}, outline=shape)
        return
    assert set(shape.groups) == keys
    whole = _parse(body, window)
    for key in shape.groups:
        assert _by_uid(_parse(body, window, only={key}, outline=shape), key) == _by_uid(whole, key)


# -- lone events outside the window are left out before parsing, changing nothing ----------

FAR = (datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 6, 1, tzinfo=UTC), UTC)


def _fast_and_slow(body: bytes, window: tuple[datetime, datetime, tzinfo]) -> None:
    start, end, tz = window
    fast, slow = _both(body, start, end, tz)
    _assert_same(fast, slow)


@pytest.mark.parametrize("seed", slow_after_first(range(6)))  # ~5 s each
def test_leaving_out_lone_events_changes_nothing(seed: int) -> None:
    for hostile in (False, True):
        body = _plain_uids(generated_feed(seed, hostile=hostile))
        shape = outline(body)
        assert shape is not None
        for start, end, tz in FAST_WINDOWS:
            assert _without_groups_outside(body, shape, start, end) is not None  # it is used
            _fast_and_slow(body, (start, end, tz))


def _lone(*lines: str) -> bytes:
    """BASE plus one more event, outside the FAR window unless its lines say otherwise."""
    event = "BEGIN:VEVENT\r\n" + "\r\n".join(lines) + "\r\nEND:VEVENT\r\n"
    return BASE.replace(b"END:VCALENDAR", event.encode() + b"END:VCALENDAR")


OLD = "DTSTART;TZID=Not/A_Zone:20100301T100000"


@pytest.mark.parametrize(
    "body",
    [
        _lone("UID:x@test", OLD, "DTEND;TZID=Not/A_Zone:20100301T110000", "SUMMARY:old"),
        _lone("UID:x@test", "DTSTART:20100301T100000Z", "SUMMARY:a", "SUMMARY:b"),  # twice
        _lone("UID:x@test", "dtstart:20100301T100000Z"),  # lower case
        _lone("UID:x@test", "DTSTART:20100301T1000", " 00Z"),  # folded
        _lone("UID:x@test", "DTSTART:20100301T100000Z", "not a property"),  # continued
        _lone("UID:x@test", "DTSTART:20100230T100000Z"),  # no such day
        _lone("UID:x@test", "DTSTART:20120229T100000Z"),  # a leap day (left to the parser)
        _lone("UID:x@test", "DTSTART;VALUE=DATE:20100301", "DTEND:20100302T000000Z"),  # mixed
        _lone("UID:x@test", "DTSTART;X-ODD=1:20100301T100000Z"),  # odd parameter
        _lone("UID:x@test", "DTSTART;TZID=Europe/London:20100301"),  # a zone on a date
        _lone("UID:x@test", "DTSTART:20100301T100000Z", "DURATION:P10000D"),  # reaches in
        _lone("UID:x@test", "DTSTART:20100301T100000Z", "RRULE:FREQ=YEARLY"),
        _lone("UID:x@test", "DTSTART:20100301T100000Z", "SUMMARY;LANGUAGE=en:a"),
        _lone("UID:x@test", "DTSTART:20100301T100000Z", "SUMMARY;X=a,b:a"),  # not plain
        _lone("UID:x@test", "SUMMARY:no start", "BEGIN:VALARM", OLD, "END:VALARM"),
        _lone("UID:x@test", OLD, "BEGIN:VALARM", "DTSTART:20250301T100000Z", "END:VALARM"),
        _lone("UID:one@test", "DTSTART:20100301T100000Z"),  # shares a UID with a kept one
        _lone("UID:x@test", "DTSTART:20250301T100000Z", "DTEND:20100301T100000Z"),  # reversed
        _lone("UID:x@test", "DTSTART:20250301T100000Z", "DTSTART:20100301T100000Z"),
        _lone("UID:x@test", OLD, "RRULE:FREQ=WEEKLY;UNTIL=20100601T000000Z"),  # ended
        _lone(
            "UID:x@test", OLD, "RRULE:FREQ=WEEKLY;COUNT=5", "EXDATE;TZID=Not/A_Zone:20100308T100000"
        ),
        _lone("UID:x@test", OLD, "RRULE:FREQ=WEEKLY"),  # still running
        _lone(
            "UID:x@test", OLD, "RRULE:FREQ=DAILY;UNTIL=20100601T000000Z", "RDATE:20250301T100000Z"
        ),
        _lone("UID:x@test", OLD, "RRULE:freq=weekly;count=3"),
        _lone("UID:x@test", OLD, "RRULE:FREQ=MONTHLY;BYMONTHDAY=1;COUNT=2"),
        _lone(
            "UID:x@test", "RECURRENCE-ID:20100301T100000Z", "DTSTART:20250302T100000Z"
        ),  # moved in
        _lone("UID:x@test", "RECURRENCE-ID:20100301T100000Z", "DTSTART:20100302T100000Z"),
        _lone(
            "UID:x@test",
            "RECURRENCE-ID:20100301T100000Z,20100302T100000Z",
            "DTSTART:20100302T100000Z",
        ),
        _lone(
            "UID:x@test", OLD, "EXDATE:20100301T100000Z", "EXDATE;TZID=Other/Zone:20100308T100000"
        ),
    ],
)
def test_only_events_surely_outside_are_left_out(body: bytes) -> None:
    assert outline(body) is not None
    _fast_and_slow(body, FAR)
    _fast_and_slow(body, WINDOWS[1])


@pytest.mark.parametrize(
    "moved",
    [
        "DTSTART:20100310T100000Z",  # moved, still long ago
        "DTSTART:20250310T100000Z",  # moved into the window: the group must be read
        "DTSTART;TZID=Far/Away:20100310T100000",
        "DTSTART:20100310T100000Z\r\nSTATUS:CANCELLED",
        "DTSTART:20100310T100000Z\r\nRRULE:FREQ=DAILY;COUNT=2",
    ],
)
def test_old_series_with_moved_instances_are_left_out_only_when_all_of_them_are(moved: str) -> None:
    series = ("UID:s@test", OLD, "RRULE:FREQ=WEEKLY;UNTIL=20100601T000000Z", "SUMMARY:weekly")
    body = _lone(*series).replace(
        b"END:VCALENDAR",
        b"BEGIN:VEVENT\r\nUID:s@test\r\nRECURRENCE-ID;TZID=Not/A_Zone:20100308T100000\r\n"
        + moved.encode()
        + b"\r\nEND:VEVENT\r\nEND:VCALENDAR",
    )
    assert outline(body) is not None
    _fast_and_slow(body, FAR)


def test_a_lone_old_event_is_left_out_and_its_unknown_zone_still_reported() -> None:
    body = _lone("UID:x@test", OLD, "DTEND;TZID=Not/A_Zone:20100301T110000", "SUMMARY:old")
    shape = outline(body)
    assert shape is not None
    start, end, tz = FAR
    cut = _without_groups_outside(body, shape, start, end)
    assert cut is not None
    assert b"x@test" not in cut[0]
    assert b"three@test" in cut[0]  # March 2025: inside
    assert cut[2] == {("Not/A_Zone", False)}
    result = parse_feed(body, window_start=start, window_end=end, default_tz=tz)
    assert any("Not/A_Zone" in p.reason for p in result.problems)
    assert result.event_count == 5


@pytest.mark.parametrize(
    ("lines", "left_out"),
    [
        ((OLD, "RRULE:FREQ=WEEKLY;UNTIL=20100601T000000Z"), True),
        ((OLD, "RRULE:FREQ=WEEKLY;COUNT=5", "EXDATE;TZID=Not/A_Zone:20100308T100000"), True),
        ((OLD, "RRULE:FREQ=WEEKLY"), False),
        ((OLD, "RRULE:FREQ=WEEKLY;COUNT=5", "RDATE:20100301T100000Z"), False),
        (("RECURRENCE-ID:20100301T100000Z", "DTSTART:20250302T100000Z"), False),
        ((OLD, "SUMMARY;LANGUAGE=en:x"), False),
    ],
)
def test_which_groups_are_left_out(lines: tuple[str, ...], left_out: bool) -> None:
    body = _lone("UID:x@test", *lines)
    shape = outline(body)
    assert shape is not None
    cut = _without_groups_outside(body, shape, FAR[0], FAR[1])  # BASE's events are inside
    assert (cut is not None and b"UID:x@test" not in cut[0]) is left_out


def _birthdays(old_singles: int) -> bytes:
    """A contacts app's calendar: yearly all-day series from long ago, each reaching the
    window, and ``old_singles`` lone events long past."""
    events = [
        f"BEGIN:VEVENT\r\nUID:b{n}@test\r\nDTSTART;VALUE=DATE:{1950 + n % 50}{1 + n % 12:02d}"
        f"{1 + n % 28:02d}\r\nRRULE:FREQ=YEARLY\r\nSUMMARY:Birthday {n}\r\nEND:VEVENT\r\n"
        for n in range(100)
    ] + [
        f"BEGIN:VEVENT\r\nUID:s{n}@test\r\nDTSTART:2010{1 + n % 12:02d}01T100000Z\r\n"
        f"SUMMARY:old {n}\r\nEND:VEVENT\r\n"
        for n in range(old_singles)
    ]
    return BASE.replace(b"END:VCALENDAR", "".join(events).encode() + b"END:VCALENDAR")


@pytest.mark.parametrize(("old_singles", "scanned"), [(0, False), (20, True)])
def test_a_birthdays_calendar_is_not_scanned_for_groups_outside(
    monkeypatch: pytest.MonkeyPatch, old_singles: int, scanned: bool
) -> None:
    """Endless series starting long ago all reach the window: looking for groups to leave
    out of such a feed costs a scan of it and finds none (issue 19). Either way the parse
    is the reference's."""
    from kara_tui.ical.expand import triage

    body = _birthdays(old_singles)
    _fast_and_slow(body, FAR)
    shape = outline(body)
    assert shape is not None
    calls: list[int] = []
    scan = triage.groups_outside
    monkeypatch.setattr(
        triage,
        "groups_outside",
        lambda *args: calls.append(1) or scan(*args),  # type: ignore[func-returns-value]
    )
    cut = _without_groups_outside(body, shape, FAR[0], FAR[1])
    assert bool(calls) is scanned
    assert (cut is not None) is scanned  # the old singles are left out when it looks


def test_a_feed_not_scanned_for_groups_outside_compiles_no_scan() -> None:
    """The scan's patterns are compiled on first use, not when the parser is imported: a
    cold sync of a birthdays calendar (or of this year's events) never uses them."""
    import subprocess
    import sys

    program = (
        "import sys\n"
        "from datetime import UTC, datetime\n"
        "from kara_tui.ical.expand import triage\n"
        "from kara_tui.ical.parse import parse_feed\n"
        "parse_feed(sys.stdin.buffer.read(), window_start=datetime(2025, 1, 1, tzinfo=UTC),"
        " window_end=datetime(2025, 6, 1, tzinfo=UTC))\n"
        "print(len(triage._KEPT_SCANS))\n"
    )
    for body, compiled in ((_birthdays(0), "0"), (_birthdays(20), "1")):
        done = subprocess.run(
            [sys.executable, "-c", program], input=body, capture_output=True, check=True
        )
        assert done.stdout.decode().strip() == compiled
