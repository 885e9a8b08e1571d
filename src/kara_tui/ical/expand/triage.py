"""Which VEVENTs the fast path takes, which icalendar must read, and which groups cannot reach
the window (left out before any parsing)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from kara_tui.ical.expand.occurrence import clean_text
from kara_tui.ical.expand.plain import (
    TEXT_PROPERTIES,
    Bare,
    Heads,
    Horizon,
    Simple,
    cannot_reach,
    cannot_reach_values,
    plain_series,
    read_simple,
    zone_ids,
)
from kara_tui.ical.expand.properties import When, read_when, split_line, uid_key
from kara_tui.ical.outline import Outline, block_region, keep_blocks
from kara_tui.ical.prepare import EVENT_PROPERTIES, MAX_LINE_CHARS, EventSource

# The fast path leaves rules that would walk more base periods than this from DTSTART
# to the window's end to the full path, which starts them near the window and counts
# their steps (budget.py).
MAX_RULE_STEPS = 1_000_000

# A DTSTART/DTEND value read_when() surely accepts: 1900-2099, a real day (29 February and
# the 31st of short months are left to the full reading), a real time of day.
_SURE_VALUE = (
    rb"(?:19|20)[0-9][0-9](?:(?:0[1-9]|1[0-2])(?:0[1-9]|1[0-9]|2[0-8])"
    rb"|(?:0[13-9]|1[0-2])(?:29|30)|(?:0[13578]|1[02])31)"
    rb"(?:T(?:[01][0-9]|2[0-3])[0-5][0-9][0-5][0-9]Z?)?"
)


def _names(names: Iterable[str]) -> bytes:
    """An alternation of property names, longest first."""
    ordered = sorted(names, key=lambda name: (-len(name), name))
    return b"|".join(re.escape(name).encode() for name in ordered)


# Text properties whose value the scan need not see (read_simple() reads any plain one), and
# every property prepare() keeps, in any case: its name alone makes an "unsure" token.
_PLAIN_TEXT = b"(?:" + _names(TEXT_PROPERTIES | {"SEQUENCE"}) + b"):"
_ANY_KEPT = b"(?i:" + _names(name.lower() for name in EVENT_PROPERTIES) + b")"


def _kept_lines_scan(eol: bytes) -> re.Pattern[bytes]:
    """Every line prepare() keeps, as a token: BEGIN:VEVENT (a block starts), the lines that
    open and close alarms (whose lines prepare() does not keep), a whole plain DTSTART,
    DTEND, RECURRENCE-ID, EXDATE or RRULE line that nothing continues, a text property
    without parameters (its value does not matter), or any other kept property name in
    any case ("unsure": the block is left to the full reading)."""
    nl = re.escape(eol)
    return re.compile(
        rb"\n((?:BEGIN|END):VALARM(?="
        + nl
        + rb")|BEGIN:VEVENT(?="
        + nl
        + rb")|(?:DTSTART|DTEND|RECURRENCE-ID)(?:;[^:;\r\n]*)*:"
        + _SURE_VALUE
        + rb"(?="
        + nl
        + rb"[A-Za-z0-9-]+[;:])|EXDATE(?:;[^:;\r\n]*)*:"
        + _SURE_VALUE
        + rb"(?:,"
        + _SURE_VALUE
        + rb")*(?="
        + nl
        + rb"[A-Za-z0-9-]+[;:])|RRULE:[A-Z0-9=;,+-]+(?="
        + nl
        + rb"[A-Za-z0-9-]+[;:])|"
        + _PLAIN_TEXT
        + b"|"
        + _ANY_KEPT
        + b")"
    )


_ALARM = rb"BEGIN:VALARM\n(?:[^\n]*\n)*?END:VALARM\n"  # in the scan's tokens; compiled on first use


class _Scans(dict[bytes, re.Pattern[bytes]]):
    """The scan for each line end, compiled when first asked for: a feed whose groups are
    not looked for (_mostly_outside) never compiles one (a millisecond each)."""

    def __missing__(self, eol: bytes) -> re.Pattern[bytes]:
        scan = self[eol] = _kept_lines_scan(eol)
        return scan


_KEPT_SCANS = _Scans()


class _Heads:
    """The parameters of DTSTART/DTEND lines as read_when() takes them, read once per spelling."""

    def __init__(self) -> None:
        self._seen: dict[tuple[bytes, bool], tuple[bool, str | None]] = {}

    def zone(self, head: bytes, is_date: bool) -> tuple[bool, str | None]:
        """(plain, TZID) for a line head such as b"DTSTART;TZID=Europe/London"."""
        key = (head, is_date)
        found = self._seen.get(key)
        if found is None:
            found = (False, None)
            parts = split_line(
                head.decode("utf-8", "replace")
                + ":"
                + ("20200101" if is_date else "20200101T000000")
            )
            if parts is not None:
                when = read_when(parts[1], parts[2])
                if when is not None:
                    found = (True, when.tzid)
            self._seen[key] = found
        return found


def groups_outside(
    body: bytes, block_uids: Sequence[str], region: tuple[bytes, int, int], horizon: Horizon
) -> tuple[list[int], set[tuple[str, bool]]] | None:
    """The blocks to keep (indexes, file order) once the UID groups that surely cannot reach
    the window are dropped, and the (TZID, written in UTC) of the dropped ones' date
    values; None if the body does not scan as its outline says.

    A group is dropped only when split_events() would drop it after reading it whole: every
    property prepare() keeps of every member is plain (read_simple() reads them: no
    parameters on text, plain dates, no DURATION or RDATE, nothing twice) and
    cannot_reach() says so from the same values, the lone plain events (most of a
    long history) by their days alone. Anything else is kept for the full reading.
    ``region`` is outline.block_region(body).
    """
    eol, start, end = region
    joined = b"\n".join(_KEPT_SCANS[eol].findall(body, start, end)) + b"\n"
    if b"BEGIN:VALARM" in joined:
        joined = re.sub(_ALARM, b"", joined)  # an alarm's lines are not the event's
    chunks = joined.split(b"BEGIN:VEVENT\n")
    if len(chunks) != len(block_uids) + 1:
        return None
    counts = Counter(block_uids)
    heads = _Heads()
    low, high = horizon.low.encode(), horizon.high.encode()
    dropped: set[int] = set()
    zones: set[tuple[str, bool]] = set()
    groups: dict[str, list[tuple[int, Bare, list[tuple[str, bool]]]] | None] = {}
    for index, (key, chunk) in enumerate(zip(block_uids, chunks[1:], strict=True)):
        lone = counts[key] == 1
        if not lone and groups.get(key, ()) is None:
            continue  # a member already said no
        items = chunk.split(b"\n")
        items.pop()
        begin = finish = rule = rid = None
        exdates: list[bytes] = []
        if len(set(items)) == len(items):  # a property twice: read_simple() says no
            for item in items:
                if item[-1] == 58:  # UID:, SUMMARY:... without parameters
                    continue
                if 58 not in item:
                    break  # a kept property split_events() must read itself
                first = item[0]
                if first == 68:  # DTSTART, DTEND
                    if item[2] == 83:
                        if begin is not None:
                            break
                        begin = item
                    elif finish is not None:
                        break
                    else:
                        finish = item
                elif first == 69:  # EXDATE
                    exdates.append(item)
                elif item[1] == 82:  # RRULE
                    if rule is not None:
                        break
                    rule = item
                elif rid is not None:  # RECURRENCE-ID
                    break
                else:
                    rid = item
            else:
                if begin is not None:
                    if lone and rule is None and rid is None and not exdates:
                        found = _outside(begin, finish, heads, low, high)
                        if found is not None:
                            zones.update(found)
                            dropped.add(index)
                        continue
                    member = _plain_member(begin, finish, rule, rid, exdates, heads)
                    if member is not None:
                        groups.setdefault(key, []).append((index, *member))  # type: ignore[union-attr]  # groups holds lists only
                        continue
        groups[key] = None
    for key, members in groups.items():
        if members is None or len(members) != counts[key]:
            continue
        if cannot_reach_values((member for _, member, _ in members), horizon):
            for index, _, member_zones in members:
                dropped.add(index)
                zones.update(member_zones)
    keep = [index for index in range(len(block_uids)) if index not in dropped]
    return keep, zones


def _outside(
    begin: bytes, finish: bytes | None, heads: _Heads, low: bytes, high: bytes
) -> list[tuple[str, bool]] | None:
    """The zones of a lone plain event's times if its days are surely outside; else None."""
    head, _, value = begin.partition(b":")
    first = last = value[:15]
    is_date = len(value) == 8
    plain, tzid = heads.zone(head, is_date)
    if not plain:
        return None
    found = [] if tzid is None else [(tzid, len(value) == 16)]
    if finish is not None:
        end_head, _, end_value = finish.partition(b":")
        if (len(end_value) == 8) != is_date:
            return None
        plain, end_tzid = heads.zone(end_head, is_date)
        if not plain:
            return None
        if end_tzid is not None:
            found.append((end_tzid, len(end_value) == 16))
        end_text = end_value[:15]
        first, last = min(first, end_text), max(first, end_text)
    if last[:8] < low or first[:8] > high:
        return found
    return None


def _plain_member(
    begin: bytes,
    finish: bytes | None,
    rule: bytes | None,
    rid: bytes | None,
    exdates: list[bytes],
    heads: _Heads,
) -> tuple[Bare, list[tuple[str, bool]]] | None:
    """A series member's values as read_simple() reads them, and its zones; None if unsure."""
    start = _when(begin, heads)
    if start is None:
        return None
    found = [start]
    end = None
    if finish is not None:
        end = _when(finish, heads)
        if end is None or end.is_date != start.is_date:
            return None
        found.append(end)
    recurrence_id = None
    if rid is not None:
        recurrence_id = _when(rid, heads)
        if recurrence_id is None:
            return None
        found.append(recurrence_id)
    for line in exdates:
        head, _, values = line.partition(b":")
        for value in values.split(b","):
            when = _when(head + b":" + value, heads)
            if when is None:
                return None
            found.append(when)
    member = Bare(start, end, None, None if rule is None else rule[6:].decode(), recurrence_id)
    return member, [(w.tzid, w.utc) for w in found if w.tzid is not None]


def _when(line: bytes, heads: _Heads) -> When | None:
    head, _, value = line.partition(b":")
    is_date = len(value) == 8
    plain, tzid = heads.zone(head, is_date)
    if not plain:
        return None
    return When(value[:15].decode(), tzid, len(value) == 16)


# Never compared, hashed or shown: no generated __eq__, __hash__ or __repr__ (each is
# compiled at import; issue 19).
@dataclass(slots=True, eq=False, repr=False)
class Split:
    """Which VEVENTs icalendar must read; the rest are plain, plain series, or outside."""

    complex: list[int] = field(default_factory=list)  # indexes into the events, file order
    simple: list[tuple[EventSource, Simple]] = field(default_factory=list)
    series: list[list[tuple[int, EventSource, Simple]]] = field(default_factory=list)
    zones: set[tuple[str, bool]] = field(default_factory=set)


def split_events(
    events: list[EventSource],
    window_start: datetime,
    window_end: datetime,
    keys: list[str] | None = None,
) -> Split:
    """Sort the VEVENTs by UID group: plain singles, plain series, groups outside the window,
    and the rest (for icalendar).

    The choice is per group, never per feed: one odd event only sends itself and
    the events that share its UID to icalendar. UIDs are counted first so that a
    lone plain event outside the window is dropped at once, text and all: a
    ten-year feed is mostly such events, and holding them costs memory. ``keys``, when
    given, are the events' group keys from the body's outline (the same, found cheaper).
    """
    horizon = Horizon(window_start, window_end)
    if keys is None or len(keys) != len(events):
        keys = [uid_key(source, clean_text) or f"no-uid-{source.digest}" for source in events]
    counts = Counter(keys)
    split = Split()
    groups: dict[str, list[tuple[int, EventSource, Simple | None]]] = {}
    heads: Heads = {}
    for index, (source, key) in enumerate(zip(events, keys, strict=True)):
        simple = read_simple(source.text, clean_text, heads)
        if counts[key] > 1:
            groups.setdefault(key, []).append((index, source, simple))
        elif simple is not None and not simple.recurs:
            if simple.duration is None and horizon.outside(*_text_span(simple)):
                split.zones.update(zone_ids("", simple))  # unknown zones are still reported
            else:
                split.simple.append((source, simple))
            source.text = ""  # never read again
        else:
            _place(split, [(index, source, simple)], horizon, window_end)
    for members in groups.values():
        _place(split, members, horizon, window_end)
    split.complex.sort()
    return split


def _text_span(simple: Simple) -> tuple[str, str]:
    first = simple.start.text
    last = simple.end.text if simple.end is not None else first
    return (first, last) if first <= last else (last, first)  # min() and max() of the two


def _all_plain(
    members: list[tuple[int, EventSource, Simple | None]],
) -> list[tuple[int, EventSource, Simple]] | None:
    """The members, when every one was read plainly; else None."""
    plain = [(index, source, simple) for index, source, simple in members if simple is not None]
    return plain if len(plain) == len(members) else None


def _place(
    split: Split,
    members: list[tuple[int, EventSource, Simple | None]],
    horizon: Horizon,
    window_end: datetime,
) -> None:
    """Put one UID group where it belongs: outside the window, plain series or icalendar."""
    plain = _all_plain(members)
    values = None if plain is None else [simple for _, _, simple in plain]
    outside = (
        cannot_reach(((source, simple) for _, source, simple in members), horizon)
        if values is None
        else cannot_reach_values(values, horizon)  # all read: what cannot_reach() reads
    )
    if outside:
        for _, source, simple in members:
            split.zones.update(zone_ids(source.text, simple))
            source.text = ""
    elif (
        plain is not None
        and values is not None
        and plain_series(values, window_end, MAX_RULE_STEPS)
    ):
        split.series.append(plain)
    else:
        split.complex.extend(index for index, _, _ in members)


def without_groups_outside(
    body: bytes, outline: Outline, window_start: datetime, window_end: datetime
) -> tuple[bytes, list[int], set[tuple[str, bool]]] | None:
    """The body without the UID groups that surely cannot reach the window, the indexes of the
    blocks kept, and the dropped ones' zones; None when nothing can be left out or leaving
    it out could change what prepare() notes."""
    horizon = Horizon(window_start, window_end)
    if not _mostly_outside(body, horizon) or not _utf8(body):
        return None  # prepare() would not say that dropped text was badly encoded
    found = groups_outside(body, outline.block_uids, block_region(body), horizon)
    if found is None or len(found[0]) == outline.event_count:
        return None
    kept, zones = found
    cut = keep_blocks(body, outline, kept, max_block=MAX_LINE_CHARS)  # a line too long: noted
    return None if cut is None else (cut, kept, zones)


_START_DAY = re.compile(rb"\nDTSTART[^:\r\n]*:([0-9]{8})")
_RULE_LINE = re.compile(rb"\nRRULE[;:]([^\r\n]*)", re.IGNORECASE)


def _mostly_outside(body: bytes, horizon: Horizon) -> bool:
    """Whether at least one VEVENT in eight starts outside the window, and one in 64 when
    as many as the feed has endless rules are not counted: only then can leaving groups
    out pay for looking for them (a feed of this year's events cannot, nor a birthdays
    calendar, whose yearly series all start long ago and all reach the window). A guess
    either way changes only the time: what is not left out here, split_events() drops."""
    days = _START_DAY.findall(body)
    low, high = horizon.low.encode(), horizon.high.encode()
    outside = sum(1 for day in days if day < low or day > high)
    if outside * 8 < len(days):
        return False
    endless = sum(
        1
        for rule in _RULE_LINE.findall(body)
        if b"UNTIL" not in (upper := rule.upper()) and b"COUNT" not in upper
    )
    return (outside - endless) * 64 >= len(days)


def _utf8(body: bytes) -> bool:
    if body.isascii():
        return True
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
