"""A feed body's VEVENT blocks found at byte level: one digest per UID group, no parsing.

A re-sync needs to know which UID groups changed since the last download before
it parses anything; a cold import can skip the groups that cannot reach the
window. Both need the body cut into VEVENT blocks exactly as prepare() would cut
it, and each block's UID exactly as the parser keys its occurrences. Doing that
line by line in Python costs as much as half a parse, so :func:`outline` works
on the whole body with a handful of C-speed passes (one scan of the lines that
could open, close or name a component, a few searches, one replace, one split,
one hash per UID group), and proves on the way that the cut is safe.

It returns None (the caller then parses the body whole) unless every line
prepare() could read as BEGIN, END or UID inside the blocks is canonical
(exact upper case, no parameters, not folded, followed by an ordinary
property line), each block has exactly one plain UID (printable, no
backslash, no surrounding space: what the parser keys it by, unchanged), the
blocks follow each other with nothing between them, the components around
them are properly nested, and no bare CR (prepare() breaks lines at CR, LF and
CR LF only) starts a line the scans below would miss.
Anything odd costs a full parse, never a wrong answer.

DTSTAMP values are left out of every digest (Google rewrites them on each
download; the line itself counts, so adding or removing one is a change);
prepare() leaves DTSTAMP out of its component hashes too, alarms included, so a
block whose digest did not change parses to exactly the same occurrences.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from functools import cache

_BOM = b"\xef\xbb\xbf"
_KEYWORD = rb"(?:[Bb][Ee][Gg][Ii][Nn]|[Ee][Nn][Dd]|[Uu][Ii][Dd])"
# A bare CR starts a line for prepare(); the scan below only sees lines after LF, so
# none may start a BEGIN, END or UID line. (Any bare CR is ruled out twice as fast.)
_HIDDEN_BY_CR = rb"\r" + _KEYWORD  # looked for only in a body with a bare CR: compiled then
_BARE_CR = re.compile(rb"\r[^\n]")
_NAME_LINE = rb"[A-Za-z0-9-]+[;:]"  # a line that starts a new property (prepare's _NAME)
_UID_VALUE = re.compile(rb"\nUID:([^\n]*)")  # in the scan's findings joined by LF


# Never compared, hashed or shown: no generated __eq__, __hash__ or __repr__ (each is
# compiled at import; issue 19).
@dataclass(frozen=True, slots=True, eq=False, repr=False)
class _Patterns:
    eol: bytes
    start: bytes  # BEGIN:VEVENT with the line breaks around it: what the blocks are split on
    end: bytes  # the line break and END:VEVENT that close a block
    scan: re.Pattern[bytes]
    blocks: re.Pattern[bytes]


@cache  # built for a line ending when a body first has it: most runs see only one
def _patterns(eol: bytes) -> _Patterns:
    nl = re.escape(eol)
    return _Patterns(
        eol=eol,
        start=eol + b"BEGIN:VEVENT" + eol,
        end=eol + b"END:VEVENT",
        # Every line prepare() could read as BEGIN, END or UID, in one pass: canonical
        # VEVENT and VALARM lines that nothing is folded into, plain UID lines (with their
        # value) that nothing continues, and anything else as just its first word. (The
        # look-ahead lets most lines go after one test.)
        scan=re.compile(
            rb"\n(?=[BbEeUu])((?:BEGIN|END):V(?:EVENT|ALARM)(?="
            + nl
            + rb"[^ \t\r\n])|UID:[^\r\n]*(?="
            + nl
            + _NAME_LINE
            + rb")|"
            + _KEYWORD
            + rb")"
        ),
        # What the scan must find, joined by LF.
        blocks=re.compile(
            rb"(?:BEGIN:VEVENT\n(?:BEGIN:VALARM\nEND:VALARM\n)*UID:[^\n]*\n"
            rb"(?:BEGIN:VALARM\nEND:VALARM\n)*END:VEVENT\n)+"
        ),
    )


# A DTSTAMP value (the line and its name stay, so adding or removing the line is a change).
_DTSTAMP = rb"\nDTSTAMP[;:][^\r\n]*"  # compiled on first use (re's cache): Google's need none


@dataclass(frozen=True, slots=True)
class Outline:
    """Digests of a feed body's parts, for finding what changed without parsing.

    ``groups`` maps each UID group's key (exactly the ``Occurrence.uid`` the
    parser gives its occurrences) to a digest of its VEVENT blocks in file
    order; ``head_digest`` covers everything outside the VEVENT blocks (calendar
    properties, VTIMEZONEs, other components). DTSTAMP values are in neither.
    Any other change to a block's bytes changes its group's digest; any change
    outside the blocks changes ``head_digest`` (the caller must then parse
    everything again: zones and the calendar's own zone live there).
    """

    head_digest: str
    groups: dict[str, str]
    event_count: int  # VEVENT blocks, as ParseResult.event_count counts them
    # Where the blocks are, for parse_feed(only=...): each block's key in file order,
    # and the size of the body this outline is of.
    block_uids: tuple[str, ...] = field(default=(), repr=False, compare=False)
    size: int = field(default=-1, repr=False, compare=False)
    # The DTSTAMP line whose value one replace() left out, or None (every value left out by
    # the regular expression): outline_delta.py must cut a changed stretch the same way.
    stamp: bytes | None = field(default=None, repr=False, compare=False)
    # How often the body's first DTSTAMP line occurs in it, when known (-1: not counted).
    stamp_count: int = field(default=-1, repr=False, compare=False)


_sha1 = hashlib.sha1


def _digest(data: bytes) -> str:
    """A change detector, not a seal: SHA-1 is the fastest hashlib digest here."""
    return _sha1(data, usedforsecurity=False).hexdigest()


def _without_stamps(body: bytes, blocks: int) -> tuple[bytes, bytes | None]:
    """The body with every DTSTAMP value left out (the name stays: adding the line is a change).

    Google stamps every VEVENT with the same download time: one replace() of that
    line is twice as fast as the regular expression, which handles the other feeds.
    (A value that differs from the common one stays in: its block's digest then
    moves with it, which costs a re-parse of that group, never a missed change.)
    """
    first = body.find(b"\nDTSTAMP:")
    if first >= 0:
        line = body[first : body.find(b"\n", first + 1)].rstrip(b"\r")
        stripped = body.replace(line, b"\nDTSTAMP:")
        value = len(line) - len(b"\nDTSTAMP:")
        if value and (len(body) - len(stripped)) // value >= blocks:
            return stripped, line  # one stamp for (nearly) all: the rest stay as they are
    return re.sub(_DTSTAMP, b"\nDTSTAMP:", body), None


def stamp_line(body: bytes, blocks: int) -> bytes | None:
    """The line :func:`_without_stamps` would replace in ``body`` of ``blocks`` blocks (None:
    it would use the regular expression), found by counting instead of replacing."""
    first = body.find(b"\nDTSTAMP:")
    if first >= 0:
        line = body[first : body.find(b"\n", first + 1)].rstrip(b"\r")
        if len(line) > len(b"\nDTSTAMP:") and body.count(line) >= blocks:
            return line
    return None


def outline(body: bytes) -> Outline | None:
    """The body's head and UID-group digests; None when it cannot be cut safely at byte level.

    A None means: parse the body whole. See the module docstring for what
    "safely" takes.
    """
    return _outline(body, None)


def outline_stamped(body: bytes, stamp: bytes | None) -> Outline | None:
    """:func:`outline`, with the DTSTAMP values left out as in a bigger body whose
    :func:`stamp_line` is ``stamp`` (for outline_delta.py: a stretch of that body)."""
    return _outline(body, (stamp,))


def _outline(body: bytes, stamp: tuple[bytes | None] | None) -> Outline | None:
    bom = len(_BOM) if body.startswith(_BOM) else 0
    if body.startswith(b"BEGIN:VCALENDAR\r\n", bom):
        p = _patterns(b"\r\n")
    elif body.startswith(b"BEGIN:VCALENDAR\n", bom) and b"\r" not in body:
        p = _patterns(b"\n")
    else:
        return None
    if p.eol == b"\r\n" and _BARE_CR.search(body) and re.search(_HIDDEN_BY_CR, body):
        return None
    eol = p.eol
    head_end = body.find(p.start)
    last = body.rfind(p.end + eol)
    if head_end < 0 or last < head_end:
        return None
    tail_start = last + len(p.end)  # the tail starts with the line break after END:VEVENT
    if not _frame(body[bom:head_end], body[tail_start:], eol):
        return None

    # Inside the blocks, every line that could be BEGIN, END or UID must be a canonical one.
    found = p.scan.findall(body, head_end)
    del found[len(found) - len(p.scan.findall(body, tail_start)) :]
    joined = b"\n".join(found)
    if p.blocks.fullmatch(joined + b"\n") is None:
        return None
    raw_uids = _UID_VALUE.findall(joined)
    del found, joined  # a big body's lines: let go before its copy without stamps is made
    keys = _keys(raw_uids)
    if keys is None:
        return None
    del raw_uids

    # The blocks as views of one copy of the body without stamps (a list of the blocks
    # themselves would be a third copy of a big body).
    stamp_count = -1
    if stamp is None:
        stamped, line = _without_stamps(body, len(keys))
        if line is not None:  # each replace() shortened the body by the value's length
            stamp_count = (len(body) - len(stamped)) // (len(line) - len(b"\nDTSTAMP:"))
    else:
        line = stamp[0]
        stamped = (
            re.sub(_DTSTAMP, b"\nDTSTAMP:", body)
            if line is None
            else body.replace(line, b"\nDTSTAMP:")
        )
    text = memoryview(stamped)
    parts = _blocks(stamped, p.start)
    count = len(parts) - 1
    if count != len(keys) or not all(stamped.endswith(p.end, a, b) for a, b in parts[1:-1]):
        return None  # a BEGIN:VEVENT after a bare LF, or something between two blocks
    last_start = parts[-1][0]
    last_part = stamped[last_start:]  # the last block and what follows: small
    cut = last_part.rfind(p.end + eol) + len(p.end)
    head, tail = stamped[: parts[0][1]], last_part[cut:]
    parts[-1] = (last_start, last_start + cut)
    head_digest = _digest(len(head).to_bytes(8, "big") + head + tail)
    del parts[0]
    digests = [_sha1(text[a:b], usedforsecurity=False).hexdigest() for a, b in parts]
    groups = dict(zip(keys, digests, strict=True))
    if len(groups) != count:  # series with moved instances: one digest of all their blocks
        shared = {key for key, times in Counter(keys).items() if times > 1}
        members: dict[str, list[memoryview]] = {key: [] for key in shared}
        for key, (a, b) in zip(keys, parts, strict=True):
            if key in shared:
                members[key].append(text[a:b])  # in file order
        for key, found in members.items():
            groups[key] = _digest(b"\0".join(found))
    return Outline(head_digest, groups, count, tuple(keys), len(body), line, stamp_count)


def _blocks(text: bytes, separator: bytes) -> list[tuple[int, int]]:
    """Where ``text.split(separator)`` would cut: each piece's start and end."""
    found: list[tuple[int, int]] = []
    at, width = 0, len(separator)
    cut = text.find(separator)
    while cut >= 0:
        found.append((at, cut))
        at = cut + width
        cut = text.find(separator, at)
    found.append((at, len(text)))
    return found


def _plain_crlf(text: bytes) -> bool:
    crlf = text.count(b"\r\n")
    return text.count(b"\r") == crlf and text.count(b"\n") == crlf


# What clean_text() would rewrite in an ASCII UID (control characters), and the escape
# character; LF is what joins the UIDs here.
_NOT_PLAIN = bytes([*range(0x0A), *range(0x0B, 0x20), 0x7F, ord("\\")])


def _keys(raw_uids: list[bytes]) -> list[str] | None:
    """The UIDs as the parser keys them, when that is each UID exactly as written."""
    if not all(raw_uids):
        return None  # an empty UID: the parser keys the event by its digest
    raw = b"\n".join(raw_uids)
    if raw.isascii():  # all isprintable() asks of ASCII: no control character
        if len(raw.translate(None, _NOT_PLAIN)) != len(raw):
            return None
        keys = raw.decode("ascii").split("\n")
    else:
        try:
            keys = raw.decode("utf-8").split("\n")
        except UnicodeDecodeError:
            return None
        if not all(map(str.isprintable, keys)) or b"\\" in raw:
            return None  # clean_text() would rewrite control characters; or an escape
    if b" " in raw and (b"\n " in raw or b" \n" in raw or raw[0] == 32 or raw[-1] == 32):
        return None  # spaces clean_text() would strip
    return keys


def _frame(head: bytes, tail: bytes, eol: bytes) -> bool:
    """Whether the text before and after the blocks opens and closes components plainly.

    The head must start the calendar and leave exactly it open (so each block is
    a top-level VEVENT); the tail may only close it. Every BEGIN/END line there
    must be canonical and followed by an ordinary property line, and neither
    may hold a VEVENT.
    """
    if eol == b"\r\n" and not (_plain_crlf(head) and _plain_crlf(tail)):
        return False  # a bare CR or LF would hide a line from the split below
    stack: list[bytes] = []
    head_lines = head.split(eol)
    if not _walk(head_lines, stack, following=b"BEGIN:VEVENT") or stack != [b"VCALENDAR"]:
        return False
    tail_lines = tail.split(eol)[1:]  # the first is what follows END:VEVENT on its line: nothing
    if not _walk(tail_lines, stack, following=None):
        return False
    return stack in ([], [b"VCALENDAR"])


_CANONICAL = re.compile(rb"(BEGIN|END):([A-Z][A-Z0-9-]*)")
_NAME = re.compile(_NAME_LINE)


def _walk(lines: list[bytes], stack: list[bytes], following: bytes | None) -> bool:
    """Follow the BEGIN/END lines of ``lines`` on ``stack``; False at anything unusual.

    After the calendar is closed only lines that cannot open anything may follow
    (prepare() ignores properties there; a BEGIN would start a new calendar).
    """
    for index, line in enumerate(lines):
        lower = line[:5].lower()
        if not stack and index and lower.startswith(b"begin"):
            return False
        if not stack and index:
            continue  # after END:VCALENDAR: ignored by prepare(), and part of head_digest
        if not lower.startswith((b"begin", b"end")):
            continue
        match = _CANONICAL.fullmatch(line)
        if match is None:
            return False
        kind, name = match.groups()
        if name == b"VEVENT":
            return False
        if kind == b"BEGIN":
            if (name == b"VCALENDAR") != (not stack):
                return False
            stack.append(name)
        elif stack and stack[-1] == name:
            stack.pop()
            if not stack:
                continue  # what follows END:VCALENDAR cannot change it
        else:
            return False
        after = lines[index + 1] if index + 1 < len(lines) else following
        if after is None or _NAME.match(after) is None:
            return False  # folded, blank or continued: prepare() might read it otherwise
    return True


def select(body: bytes, outline: Outline, keys: Collection[str]) -> bytes | None:
    """``body`` with only the VEVENT blocks of the groups ``keys``, everything else as it was.

    ``outline`` must be ``outline(body)``; None if the body does not match it.
    The result parses, for those groups, exactly as the whole body does.
    """
    wanted = {key for key in keys if key in outline.groups}
    if len(wanted) <= 8:  # a re-sync's few changed groups: found by their UID lines
        found = _blocks_of(body, outline, wanted)
        if found is not None:
            return found
    return keep_blocks(
        body, outline, [index for index, key in enumerate(outline.block_uids) if key in keys]
    )


def _blocks_of(body: bytes, outline: Outline, keys: Collection[str]) -> bytes | None:
    """select() by looking for each group's "UID:" lines; None if the body does not match.

    Each block of an outlined body has exactly one UID line, and no UID line
    between the blocks can look like it.
    """
    if len(body) != outline.size:
        return None
    p = _patterns_of(body)
    start = body.find(p.start)
    end = body.rfind(p.end + p.eol) + len(p.end)
    spans: list[tuple[int, int]] = []
    for key in keys:
        needle = b"\nUID:" + key.encode() + p.eol
        at = body.find(needle, start, end)
        while at >= 0:
            # at + 1: the line break before UID may be the one that ends BEGIN:VEVENT's line
            block_start, block_end = body.rfind(p.start, start, at + 1), body.find(p.end, at, end)
            if block_start < 0 or block_end < 0:
                return None
            block_end += len(p.end)
            spans.append((block_start, block_end))
            at = body.find(needle, block_end, end)
    if len(spans) != sum(outline.block_uids.count(key) for key in keys):
        return None
    spans.sort()
    return b"".join([body[:start], *(body[a:b] for a, b in spans), body[end:]])


def keep_blocks(
    body: bytes, outline: Outline, indexes: Iterable[int], max_block: int | None = None
) -> bytes | None:
    """``body`` with only the VEVENT blocks at ``indexes`` (file order, from 0), the rest as it was.

    ``outline`` must be ``outline(body)``; None if the body does not match it, or if
    a block is longer than ``max_block`` bytes.
    """
    p = _patterns_of(body)
    parts = body.split(p.start)
    count = outline.event_count
    if len(body) != outline.size or len(parts) != count + 1 or len(outline.block_uids) != count:
        return None
    last = parts[-1]
    cut = last.rfind(p.end + p.eol) + len(p.end)
    parts[-1] = last[:cut]
    if max_block is not None and len(body) > max_block and max(map(len, parts[1:])) > max_block:
        return None
    chosen = [parts[0]]
    for index in indexes:
        chosen.append(p.start)
        chosen.append(parts[index + 1])
    chosen.append(last[cut:])
    return b"".join(chosen)


def block_region(body: bytes) -> tuple[bytes, int, int]:
    """(line break, start, end) of the blocks of a body that has an outline.

    ``start`` is where the line break before the first BEGIN:VEVENT is, ``end``
    where the line break after the last END:VEVENT is; each block starts at a
    ``b"\\n" + b"BEGIN:VEVENT"`` in between.
    """
    p = _patterns_of(body)
    return p.eol, body.find(p.start), body.rfind(p.end + p.eol) + len(p.end)


def patterns_of(body: bytes) -> _Patterns:
    """The line breaks and patterns of an outlined body (CR LF or LF, as its first line)."""
    return _patterns_of(body)


def _patterns_of(body: bytes) -> _Patterns:
    return _patterns(
        b"\r\n"
        if body.startswith(b"BEGIN:VCALENDAR\r\n", 3 if body.startswith(_BOM) else 0)
        else b"\n"
    )
