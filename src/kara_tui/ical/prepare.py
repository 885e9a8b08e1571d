"""Turn a feed body into clean iCalendar text for icalendar, one pass over its lines."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

# A content line starts with a property or component name and then ';' or ':'.
_NAME = re.compile(r"[A-Za-z0-9-]+(?=[;:])")
# Old Mozilla wrote "VERSION", a blank line, then " :2.0": a name alone starts a line too.
_BARE_NAME = re.compile(r"[A-Z][A-Z0-9-]*")

MAX_TIMEZONES = 1_000
"""More distinct VTIMEZONEs than this make a feed too costly to read (real feeds have a
handful; 60,000 of them took over a gigabyte to read)."""

MAX_LINE_CHARS = 1_000_000
"""Longer (unfolded) lines are dropped: no property we read is that long, and
icalendar's parser is not built for multi-megabyte lines (a hostile feed can send
one 20 MB line)."""

# The only VEVENT properties that reach icalendar. Everything else (DESCRIPTION,
# ATTENDEE lists, ATTACH blobs, X- properties, VALARMs) is dropped before parsing:
# it is most of the bytes of a real feed, we store none of it, and less to parse
# means a faster import and fewer ways for a broken value to fail the event.
EVENT_PROPERTIES = frozenset(
    {
        "UID",
        "DTSTART",
        "DTEND",
        "DURATION",
        "RRULE",
        "RDATE",
        "EXDATE",
        "RECURRENCE-ID",
        "SEQUENCE",
        "STATUS",
        "TRANSP",
        "SUMMARY",
        "LOCATION",
        "X-MICROSOFT-CDO-BUSYSTATUS",
    }
)
CALENDAR_PROPERTIES = frozenset(
    {"VERSION", "PRODID", "CALSCALE", "METHOD", "X-WR-TIMEZONE", "X-WR-CALNAME", "NAME"}
)
# Lines left out of a component's hash, its alarms' included: Google stamps DTSTAMP
# with the time of each download, so including it would make every component look
# changed (outline.py leaves every DTSTAMP line of a block out of its digest too).
_UNHASHED = frozenset({"DTSTAMP"})


class NotICalendar(Exception):
    """The body is not iCalendar text; str() says why in plain words."""


# Never compared, hashed or shown: no generated __eq__, __hash__ or __repr__ (each is
# compiled at import; issue 19).
@dataclass(slots=True, eq=False, repr=False)
class EventSource:
    """What the line pass learned about one VEVENT, in file order."""

    uid: str
    digest: str
    has_recurrence: bool  # RRULE, RDATE or RECURRENCE-ID present
    text: str  # its kept, repaired lines joined by CRLF, without BEGIN/END
    skipped_lines: int = 0  # broken lines left out of it (see _glues)

    def ical(self) -> str:
        """The VEVENT as text for icalendar."""
        return (
            f"BEGIN:VEVENT\r\n{self.text}\r\nEND:VEVENT"
            if self.text
            else "BEGIN:VEVENT\r\nEND:VEVENT"
        )


# Never compared, hashed or shown: no generated __eq__, __hash__ or __repr__ (each is
# compiled at import; issue 19).
@dataclass(slots=True, eq=False, repr=False)
class Prepared:
    """Clean lines for icalendar, event by event, plus what was noticed on the way.

    Events are kept apart (not as one calendar text) so that the parser can hand
    icalendar only the components that need it.
    """

    header: str  # calendar properties and VTIMEZONEs, CRLF-joined, no BEGIN:VCALENDAR
    events: list[EventSource]
    timezone_ids: list[str]
    calendar_name: str | None
    x_wr_timezone: str | None
    notes: list[str] = field(default_factory=list)
    # Exact copies of a VEVENT (the same lines but DTSTAMP) left out, by the first copy's
    # index in ``events``: one such event is the event; reading each copy costs the feed.
    copies: dict[int, int] = field(default_factory=dict)


_BOM = b"\xef\xbb\xbf"
_CHUNK_BYTES = 1 << 20


def decode(body: bytes) -> tuple[str, bool]:
    """Decode the body as UTF-8 (BOM allowed); returns the text and whether bytes were replaced.

    Feeds are UTF-8 by RFC 5545; a damaged byte must not cost the whole feed, so
    bad bytes become U+FFFD instead of failing.
    """
    if body.startswith(_BOM):
        body = body[3:]
    try:
        return body.decode("utf-8"), False
    except UnicodeDecodeError:
        return body.decode("utf-8", errors="replace"), True


# Never compared, hashed or shown: no generated __eq__, __hash__ or __repr__ (each is
# compiled at import; issue 19).
@dataclass(frozen=True, slots=True, eq=False, repr=False)
class _Block:
    """A whole VEVENT (its text between BEGIN:VEVENT and END:VEVENT) that needs no repair.

    Clean means: CRLF line ends only, no blank line, every line is a fold
    continuation or starts with NAME; or NAME:, not longer than a line may be
    (and _read_block accepts no component inside but VALARMs). For such text,
    unfolding is two replace() calls and the line-by-line repairs have nothing
    to do.
    """

    inner: str

    def lines(self) -> list[str]:
        """Its physical lines, BEGIN/END included, for the line-by-line path."""
        return ["BEGIN:VEVENT", *self.inner.split("\r\n"), "END:VEVENT"]


_BLOCK_START = "BEGIN:VEVENT\r\n"
_BLOCK_END = "\r\nEND:VEVENT\r\n"
# A line start inside a VEVENT that is neither a fold nor NAME; or NAME: (or a blank line).
_ODD_LINE = re.compile(r"\r\n(?![ \t]|[A-Za-z0-9-]+[;:])")
_FIRST_LINE = re.compile(r"[A-Za-z0-9-]+[;:]")


def _clean(inner: str) -> bool:
    """Whether a VEVENT's inner text can skip the line-by-line repairs (see _Block).

    Each check is one pass in C; components inside are checked by _read_block.
    """
    crlf = inner.count("\r\n")
    return (
        len(inner) <= MAX_LINE_CHARS
        and inner.count("\r") == crlf
        and inner.count("\n") == crlf
        and _FIRST_LINE.match(inner) is not None
        and _ODD_LINE.search(inner) is None
    )


def _all_plain_breaks(text: str) -> bool:
    """Whether _clean()'s line checks hold for every block of ``text`` at once: each line
    break in it is CR LF, and each line after one (but after the last) is a fold or starts
    NAME; or NAME:. Then a block needs only its length and first line checked (a feed's
    thousand blocks make one pass each in C instead of four calls each: issue 19).

    A block's inner text lies between line breaks of ``text`` (after BEGIN:VEVENT's, before
    END:VEVENT's), so it holds none of a pair cut in two, and what follows each of its own
    breaks up to ';' or ':' lies inside it.
    """
    crlf = text.count("\r\n")
    end = len(text) - 2 if text.endswith("\r\n") else len(text)
    return (
        text.count("\r") == crlf
        and text.count("\n") == crlf
        and _ODD_LINE.search(text, 0, end) is None
    )


_USE_BLOCKS = True  # tests switch it off to hold the two paths to the same result


def _split_lines(text: str) -> list[str]:
    """The physical lines of ``text``: broken at CR LF, CR or LF, and nowhere else.

    RFC 5545 ends lines with CR LF (bare CR or LF are tolerated); str.splitlines()
    would also break inside a value at a vertical tab, form feed, NEL, LINE or
    PARAGRAPH SEPARATOR, so that "SUMMARY:a<U+2028>UID:b" became a second UID.
    Such characters stay in the value (clean_text() makes them spaces), as
    icalendar, which splits on CR LF and LF, keeps them.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # as splitlines(): a final line break ends the last line, opens none
    return lines


def _physical_lines(body: bytes, damaged: list[bool]) -> Iterator[str | _Block]:
    """The body's lines, decoded about a megabyte at a time, with clean VEVENTs as blocks.

    Decoding the whole body at once would hold a second copy of it (four times
    its size when one character is outside Latin-1) next to its list of lines.
    Chunks end just after a newline byte, which is never inside a UTF-8
    sequence, so the lines are exactly those of :func:`decode`'s text.
    ``damaged[0]`` becomes True when bytes had to be replaced.
    """
    start = 3 if body.startswith(_BOM) else 0
    size = len(body)
    while start < size:
        cut = body.find(b"\n", start + _CHUNK_BYTES)
        end = size if cut < 0 else cut + 1
        chunk = body[start:end]
        try:
            text = chunk.decode("utf-8")
        except UnicodeDecodeError:
            text = chunk.decode("utf-8", errors="replace")
            damaged[0] = True
        if _USE_BLOCKS:
            yield from _with_blocks(text)
        else:
            yield from _split_lines(text)
        start = end


def _with_blocks(text: str) -> Iterator[str | _Block]:
    """The lines of ``text``, except that each clean VEVENT comes as one _Block."""
    pos = 0
    size = len(text)
    plain = _all_plain_breaks(text)
    while pos < size:
        begin = text.find(_BLOCK_START, pos)
        while begin > 0 and text[begin - 1] != "\n":
            begin = text.find(_BLOCK_START, begin + 1)
        if begin < 0:
            break
        inner_start = begin + len(_BLOCK_START)
        finish = text.find(_BLOCK_END, inner_start - 2)
        if finish < 0:
            break
        after = finish + len(_BLOCK_END)
        inner = text[inner_start:finish] if finish >= inner_start else ""
        clean = (
            finish >= inner_start
            and after < size
            and text[after] not in " \t"
            and (
                len(inner) <= MAX_LINE_CHARS and _FIRST_LINE.match(inner) is not None
                if plain
                else _clean(inner)
            )
        )
        if not clean:
            yield from _split_lines(text[pos:after])
        else:
            if begin > pos:
                yield from _split_lines(text[pos:begin])
            yield _Block(inner)
        pos = after
    if pos < size:
        yield from _split_lines(text[pos:])


def sniff(text: str) -> None:
    """Raise NotICalendar with a reason when the text is plainly not a calendar."""
    head = text[:2048].lstrip().lower()
    if not head:
        raise NotICalendar("the feed is empty")
    if head.startswith(("<!doctype", "<html", "<?xml", "<head", "<body")) or (
        head.startswith("<") and "<html" in head
    ):
        raise NotICalendar("the server sent a web page, not a calendar (a login page?)")
    if head.startswith(("{", "[")):
        raise NotICalendar("the server sent JSON data, not a calendar")
    probe = text[:1_000_000]
    if "BEGIN:VCALENDAR" in probe or "BEGIN:VEVENT" in probe:
        return  # as written by nearly every feed: no need to upper-case a megabyte to see it
    upper_probe = probe.upper()
    if "BEGIN:VCALENDAR" not in upper_probe and "BEGIN:VEVENT" not in upper_probe:
        raise NotICalendar("this is not an iCalendar file (no BEGIN:VCALENDAR or BEGIN:VEVENT)")


def _unfold(raw_lines: Iterable[str | _Block], notes: list[str]) -> Iterator[Any]:
    """Unfold content lines, tolerating the damage real producers do.

    Blank lines are skipped (old Mozilla put them inside folds), a line that
    begins with a space or tab continues the previous one, and a line that does
    not look like ``NAME:`` or ``NAME;`` continues the previous property (an
    unfolded multi-line DESCRIPTION, an ORGANIZER broken mid-word); a stray
    line after BEGIN/END is dropped instead, and so is a line longer than
    MAX_LINE_CHARS (said in ``notes``).
    """
    dropped_long = 0
    for line in _unfolded(raw_lines):
        if isinstance(line, str) and len(line) > MAX_LINE_CHARS:
            dropped_long += 1
        else:
            yield line
    if dropped_long:
        notes.append(
            f"{dropped_long} line(s) longer than {MAX_LINE_CHARS:,} characters were ignored"
        )


def _unfolded(raw_lines: Iterable[str | _Block]) -> Iterator[Any]:
    """The unfolding of :func:`_unfold`, over-long lines included."""
    parts: list[str] = []
    name_match = _NAME.match
    bare_match = _BARE_NAME.fullmatch

    for raw in raw_lines:
        if isinstance(raw, _Block):
            if parts:
                yield "".join(parts)
                parts = []
            yield raw
            continue
        if not raw:
            continue
        first = raw[0]
        if first == " " or first == "\t":
            if parts:
                parts.append(raw[1:])
                # Do not let a single folded line grow without end.
                if len(parts) % 4096 == 0 and sum(map(len, parts)) > MAX_LINE_CHARS:
                    parts[:] = ["X-DROPPED:" + "x" * (MAX_LINE_CHARS + 1)]
                continue
            raw = raw.strip()
            if not raw:
                continue
        if name_match(raw) is None and bare_match(raw) is None:
            if parts and not parts[0][:6].upper().startswith(("BEGIN:", "END:")):
                if _glues(parts[0], raw):
                    parts.append(raw)
                else:
                    yield SKIPPED_LINE  # said by the event it was in (or the feed)
            continue
        if parts:
            yield "".join(parts)
        parts = [raw]
    if parts:
        yield "".join(parts)


# What a value of these properties may hold: a line glued onto one of them must keep it
# so (a value broken without its fold space), or it is a broken line of its own. (Only a
# broken line needs them: compiled on first use, in re's cache.)
_TYPED_VALUE = {
    "DTSTART": r"[0-9TZ,/PWDHMS+-]*",
    "DTEND": r"[0-9TZ,/PWDHMS+-]*",
    "RECURRENCE-ID": r"[0-9TZ]*",
    "EXDATE": r"[0-9TZ,]*",
    "RDATE": r"[0-9TZ,/PWDHMS+-]*",
    "DURATION": r"[+-]?P[0-9WDTHMS]*",
    "RRULE": r"[A-Za-z0-9=;,+-]*",
    "SEQUENCE": r"[0-9]*",
    "UID": r"[^:;\s]*",
}


SKIPPED_LINE = "X-KARA-SKIPPED-LINE:"
"""Stands in the unfolded lines for a broken line that was left out."""
SKIPPED_SAID = (
    "broken line(s) were skipped: they were not a property and could not continue"
    " the line before them (a time, a rule or a UID)"
)


def _glues(line: str, more: str) -> bool:
    """Whether ``more`` (not a property line) may continue ``line``: always for text, and
    for a typed property only when the value stays one of its kind."""
    match = _NAME.match(line)
    pattern = _TYPED_VALUE.get(match.group(0).upper()) if match else None
    if pattern is None:
        return True
    colon = line.find(":")
    value = line[colon + 1 :] if colon >= 0 else ""
    return re.fullmatch(pattern, value + more) is not None


def _split(line: str) -> tuple[str, str]:
    """Return the upper-case property name and the value after the name's first ':'."""
    match = _NAME.match(line)
    name = match.group(0).upper() if match else ""
    colon = line.find(":")
    return name, line[colon + 1 :] if colon >= 0 else ""


# DTSTART;TZID="W. Europe Standard Time:20200609T090000" (Exchange put the value inside the quotes)
_VALUE_IN_QUOTES = r'^([^:"]*="[^"]*?):([0-9TZ,/]+)"$'  # compiled on first use (re's cache)


def _repair(name: str, line: str, value: str) -> str:
    """Mend the property-line damage seen in real feeds; "" drops the line.

    An empty RRULE/RDATE/EXDATE means "none"; spaces inside a rule
    ("BYDAY=MO, TU") and a doubled "RRULE:RRULE:" prefix are producer typos.
    """
    if name in ("RRULE", "RDATE", "EXDATE") and not value.strip():
        return ""
    if name == "RRULE":
        head = line[: len(line) - len(value)]
        rule = "".join(value.split())
        while rule.upper().startswith("RRULE:"):
            rule = rule[6:]
        return head + rule
    if line.endswith('"') and name in ("DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE", "RDATE"):
        match = re.match(_VALUE_IN_QUOTES, line)
        if match:
            return f'{match.group(1)}":{match.group(2)}'
    return line


def _read_block(inner: str) -> EventSource | None:
    """What the line-by-line path makes of a clean VEVENT, or None to let it decide.

    The same unfolded lines, hash, kept lines and repairs; only the work per
    line is less (no regular expression, no state machine).
    """
    lines = inner.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")
    current: list[str] = []
    kept: list[str] = []
    uid = ""
    recurring = False
    in_alarm = False
    kinds = _LINE_KINDS
    for line in lines:
        # The name ends at the first ';' before the first ':' (partition() is a method of
        # one argument; find() with bounds parses its arguments each call: issue 19).
        head, colon, value = line.partition(":")
        # Outside an alarm, what a line's head says of it once read (see _LINE_KINDS).
        kind = kinds.get(head) if colon and not in_alarm else None
        if kind is not None:
            if kind == _HASHED:
                current.append(line)
                continue
            if kind == _UNHASHED_LINE:
                continue
            if line[-1:] != '"':  # a kept line _repair() leaves as it is
                current.append(line)
                kept.append(line)
                continue
        name = head if ";" not in head else head.partition(";")[0]
        if not colon and name is head:
            name = line[:-1]  # neither ';' nor ':' (never in a clean block): as find() had it
        if not name.isupper():
            name = name.upper()
        if name == "BEGIN" or name == "END":
            # Only an exact BEGIN:VALARM ... END:VALARM pair; the state machine knows the rest.
            if line != ("END:VALARM" if in_alarm else "BEGIN:VALARM"):
                return None
            in_alarm = not in_alarm
            continue
        if in_alarm:
            if name not in _UNHASHED:
                current.append(line)  # a VALARM's lines still count for the hash
            continue
        if colon and len(kinds) < _MAX_LINE_KINDS and name not in _READ_EACH_TIME:
            kinds[head] = (
                _UNHASHED_LINE
                if name in _UNHASHED
                else _KEPT
                if name in EVENT_PROPERTIES
                else _HASHED
            )
        if name not in _UNHASHED:
            current.append(line)
        if name in EVENT_PROPERTIES:
            if name in _REPAIRED or line[-1:] == '"':  # endswith() parses its arguments
                line = _repair(name, line, value)
                if not line:
                    continue
            kept.append(line)
            if name == "UID" and not uid:
                uid = value.strip()
            elif name in ("RRULE", "RDATE", "RECURRENCE-ID"):
                recurring = True
    if in_alarm:
        return None
    digest = hashlib.blake2b(
        "\n".join(current).encode("utf-8", "surrogatepass"), digest_size=16
    ).hexdigest()
    return EventSource(uid, digest, recurring, "\r\n".join(kept))


_REPAIRED = frozenset({"RRULE", "RDATE", "EXDATE"})

# What a line outside an alarm is, by its head (the text before its first ':'), for the heads
# _read_block has read (a feed writes a few dozen: "DTSTART;VALUE=DATE", "SUMMARY",
# "CREATED"...): hashed only, hashed and kept as it is (unless it ends in a quote), or
# neither (DTSTAMP). A pure function of the head, kept for the process; at most
# _MAX_LINE_KINDS heads (parameters such as ATTENDEE;CN=... make many). The names each line
# of which the loop reads itself: a component's BEGIN/END, the repaired ones, UID and what
# makes a series.
_HASHED, _KEPT, _UNHASHED_LINE = 1, 2, 3
_MAX_LINE_KINDS = 256
_LINE_KINDS: dict[str, int] = {}
_READ_EACH_TIME = frozenset({"BEGIN", "END", "UID", "RECURRENCE-ID"}) | _REPAIRED


def _without_copies(events: list[EventSource]) -> tuple[list[EventSource], dict[int, int]]:
    """The events without exact copies, and how many copies each kept one had."""
    first: dict[str, int] = {}
    for index, event in enumerate(events):
        first.setdefault(event.digest, index)
    if len(first) == len(events):
        return events, {}  # the usual case: no copies
    kept: list[EventSource] = []
    where: dict[int, int] = {}  # index in events -> index in kept
    copies: dict[int, int] = {}
    for index, event in enumerate(events):
        origin = first[event.digest]
        if origin == index:
            where[index] = len(kept)
            kept.append(event)
        else:
            copies[where[origin]] = copies.get(where[origin], 0) + 1
    return kept, copies


def prepare(body: bytes) -> Prepared:
    """Decode, sniff, unfold and filter a feed body into one clean VCALENDAR.

    Several concatenated VCALENDARs are merged, a bare VEVENT gets a wrapper, a
    garbled END line is mended, and everything we never read is left out.

    Raises:
        NotICalendar: the body is not a calendar, or it stops in the middle of
            an event (a cut-off download must not replace good data).
    """
    head, _ = decode(body[: 4 * 1_000_000 + 3])
    sniff(head)
    del head
    notes: list[str] = []
    damaged = [False]
    lines = _unfold(_physical_lines(body, damaged), notes)

    cal_lines: list[str] = []
    tz_lines: list[str] = []
    events: list[EventSource] = []
    timezone_ids: list[str] = []
    calendar_name: str | None = None
    x_wr_timezone: str | None = None
    seen_calendar_props: set[str] = set()

    stack: list[str] = []  # open component names; "VCALENDAR" may be implied
    current: list[str] | None = None  # lines of the VEVENT being read (all, for hashing)
    kept: list[str] = []  # lines of that VEVENT that go to icalendar
    uid = ""
    recurring = False
    in_timezone = False
    tz_block: list[str] = []
    tz_ids: list[str] = []
    seen_zones: set[str] = set()
    skipped_lines = skipped_outside = 0
    saw_end_calendar = False
    opened_calendar = False  # the body wrote BEGIN:VCALENDAR (not a bare VEVENT)

    queue: list[str] = []  # lines of a block that had to take the line-by-line path
    source = iter(lines)
    line: str | _Block | None
    while True:
        if queue:
            line = queue.pop()
        else:
            line = next(source, None)
            if line is None:
                break
        if isinstance(line, _Block):
            if current is None and not in_timezone and stack == ["VCALENDAR"]:
                event = _read_block(line.inner)
                if event is not None:
                    events.append(event)
                    continue
            queue = list(_unfold(line.lines(), notes))
            queue.reverse()
            continue
        if line is SKIPPED_LINE:
            if current is not None:
                skipped_lines += 1
            else:
                skipped_outside += 1
            continue
        name, value = _split(line)
        if name == "BEGIN":
            comp = value.strip().upper()
            if not stack:
                stack.append("VCALENDAR")  # a bare VEVENT gets the wrapper implied
                if comp == "VCALENDAR":
                    opened_calendar = True
                    continue
            elif comp == "VCALENDAR":
                continue  # a second BEGIN:VCALENDAR before the first one ended
            stack.append(comp)
            depth = len(stack)
            if depth == 2 and comp == "VEVENT":
                current, kept, uid, recurring, skipped_lines = [], [], "", False, 0
            elif depth == 2 and comp == "VTIMEZONE":
                in_timezone = True
                tz_block = ["BEGIN:VTIMEZONE"]
                tz_ids = []
            elif in_timezone:
                tz_block.append(line)
            continue
        if name == "END":
            comp = value.strip().upper()
            if not stack:
                continue  # END:VCALENDAR after the calendar already closed
            if comp not in stack:
                if not comp.startswith(stack[-1]):
                    continue  # "END:VCA": a download cut mid-line closes nothing
                comp = stack[-1]  # END:VCALENDARD and friends
            while stack:
                top = stack.pop()
                depth = len(stack) + 1
                if depth == 2 and top == "VEVENT" and current is not None:
                    digest = hashlib.blake2b(
                        "\n".join(current).encode("utf-8", "surrogatepass"), digest_size=16
                    ).hexdigest()
                    events.append(
                        EventSource(uid, digest, recurring, "\r\n".join(kept), skipped_lines)
                    )
                    current = None
                elif depth == 2 and top == "VTIMEZONE":
                    in_timezone = False
                    # No TZID: nothing can refer to it. Several: the last one is meant.
                    # A second definition of a TZID is never read (the first one wins).
                    if tz_ids and tz_ids[-1].strip() and tz_ids[-1] not in seen_zones:
                        seen_zones.add(tz_ids[-1])
                        if len(seen_zones) > MAX_TIMEZONES:
                            raise NotICalendar(
                                f"the feed defines more than {MAX_TIMEZONES:,} time zones"
                                " (a feed's limit)"
                            )
                        tz_lines.extend(tz_block)
                        tz_lines.append("TZID:" + tz_ids[-1])
                        tz_lines.append("END:VTIMEZONE")
                        timezone_ids.append(tz_ids[-1])
                elif in_timezone:
                    tz_block.append(f"END:{top}")
                if depth == 1:
                    saw_end_calendar = True
                if top == comp:
                    break
            continue
        depth = len(stack)
        if depth == 0:
            if saw_end_calendar:
                continue  # content after END:VCALENDAR is ignored
            stack.append("VCALENDAR")
            depth = 1
        if depth == 1:
            if name in CALENDAR_PROPERTIES and name not in seen_calendar_props:
                seen_calendar_props.add(name)
                cal_lines.append(line)
                if name in ("X-WR-CALNAME", "NAME") and calendar_name is None:
                    calendar_name = value
                elif name == "X-WR-TIMEZONE":
                    x_wr_timezone = value.strip()
        elif current is not None and depth == 2:
            if name not in _UNHASHED:
                current.append(line)
            if name in EVENT_PROPERTIES:
                line = _repair(name, line, value)
                if not line:
                    continue
                kept.append(line)
                if name == "UID" and not uid:
                    uid = value.strip()
                elif name in ("RRULE", "RDATE", "RECURRENCE-ID"):
                    recurring = True
        elif current is not None:
            if name not in _UNHASHED:
                current.append(line)  # a VALARM's lines still count for the hash
        elif in_timezone:
            if depth == 2 and name == "TZID":
                tz_ids.append(value)
            else:
                tz_block.append(line)

    if current is not None or in_timezone:
        raise NotICalendar(
            "the calendar stops in the middle of an event (the download may be incomplete)"
        )
    if stack and opened_calendar:
        # A body cut off between two events would drop every event after the cut (and
        # their busy times) as if they had been deleted: keep what is stored instead.
        raise NotICalendar(
            "the calendar stops before its END:VCALENDAR line (the download is incomplete)"
        )

    if skipped_outside:
        notes.append(f"{skipped_outside} {SKIPPED_SAID}")
    if damaged[0]:
        notes.insert(0, "some text was not valid UTF-8 and was replaced")
    header = list(cal_lines)
    if "VERSION" not in seen_calendar_props:
        header.append("VERSION:2.0")
    if "PRODID" not in seen_calendar_props:
        header.append("PRODID:-//kara-tui//repaired//EN")
    header.extend(tz_lines)
    events, copies = _without_copies(events)
    return Prepared(
        header="\r\n".join(header),
        events=events,
        copies=copies,
        timezone_ids=timezone_ids,
        calendar_name=calendar_name,
        x_wr_timezone=x_wr_timezone,
        notes=notes,
    )
