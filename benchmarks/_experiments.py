"""Measurements behind the suggestions in benchmarks/README.md; prototypes, not product code.

    python -m benchmarks._experiments FILE [--now ISO]

For one feed it times, in this process, one after the other:

1. ``parse_feed`` on the whole body (what the importer does today);
2. a byte-level horizon pre-filter (drop every VEVENT group that provably ends before the
   window or starts after it, judged from its DTSTART/DTEND/RRULE UNTIL lines as text,
   without icalendar) followed by ``parse_feed`` on what is left;
3. ``parse_feed`` on the series only (the lower bound of a fast path that handles simple
   single events without icalendar);
4. what a re-sync needs to find changed components without parsing: strip DTSTAMP, split
   into VEVENT blocks, hash each;

and checks that 2 gives exactly the occurrences of 1.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

_BLOCK = re.compile(rb"BEGIN:VEVENT\r?\n.*?END:VEVENT\r?\n", re.DOTALL)
_PROP = re.compile(rb"^(UID|DTSTART|DTEND|DURATION|RRULE|RDATE|RECURRENCE-ID)([;:][^\r\n]*)", re.M)
_DATE = re.compile(rb":(\d{8})")
_UNTIL = re.compile(rb"UNTIL=(\d{8})")
_DTSTAMP = re.compile(rb"\nDTSTAMP:[^\r\n]*")  # a literal start: searched fast
# Two days either side: UTC offsets reach 14 h, and dates compare as text (YYYYMMDD).
MARGIN = timedelta(days=2)


def _span(block: bytes) -> tuple[bytes, bytes, bytes, bool] | None:
    """(uid, first day, last day, unbounded) of one VEVENT, or None when unsure (keep it)."""
    props: dict[bytes, bytes] = {}
    for name, rest in _PROP.findall(block):
        if name in props:
            return None  # repeated property: let the real parser decide
        props[name] = rest
    if b"\n " in block[: block.find(b"DTEND") + 80] or b"DTSTART" not in props:
        return None  # folded time lines or no start: not for the fast judgement
    start = _DATE.search(props[b"DTSTART"])
    if start is None:
        return None
    first = start.group(1)
    if b"DTEND" in props:
        end = _DATE.search(props[b"DTEND"])
        if end is None:
            return None
        last = end.group(1)
    elif b"DURATION" in props:
        return None
    else:
        last = first
    unbounded = False
    if b"RDATE" in props:
        return None
    if b"RRULE" in props:
        until = _UNTIL.search(props[b"RRULE"])
        if until is None:
            unbounded = True  # COUNT or no end: judged by its start only
        else:
            last = max(last, until.group(1))
    uid = props.get(b"UID", b":")[1:].strip()
    return uid, first, last, unbounded


def prefilter(body: bytes, start: datetime, end: datetime) -> tuple[bytes, int, int]:
    """The body without VEVENT groups that cannot touch [start, end); (body, kept, dropped)."""
    low = (start - MARGIN).strftime("%Y%m%d").encode()
    high = (end + MARGIN).strftime("%Y%m%d").encode()
    blocks = list(_BLOCK.finditer(body))
    if not blocks:
        return body, 0, 0
    groups: dict[bytes, list[int]] = {}
    keep_uid: set[bytes] = set()
    for index, match in enumerate(blocks):
        span = _span(match.group(0))
        if span is None:
            keep_uid.add(b"?%d" % index)
            groups.setdefault(b"?%d" % index, []).append(index)
            continue
        uid, first, last, unbounded = span
        groups.setdefault(uid, []).append(index)
        if first > high:
            continue
        if last < low and not unbounded:
            continue
        keep_uid.add(uid)
    kept = sorted(i for uid in keep_uid for i in groups[uid])
    head = body[: blocks[0].start()]
    tail = body[blocks[-1].end() :]
    out = head + b"".join(blocks[i].group(0) for i in kept) + tail
    return out, len(kept), len(blocks) - len(kept)


def series_only(body: bytes) -> bytes:
    blocks = list(_BLOCK.finditer(body))
    uids = {
        m.group(0).split(b"UID:", 1)[1].split(b"\r", 1)[0]
        for m in blocks
        if b"\nRRULE" in m.group(0) or b"\nRECURRENCE-ID" in m.group(0)
    }
    keep = [
        m.group(0) for m in blocks if m.group(0).split(b"UID:", 1)[1].split(b"\r", 1)[0] in uids
    ]
    return body[: blocks[0].start()] + b"".join(keep) + body[blocks[-1].end() :]


def block_hashes(body: bytes) -> list[bytes]:
    """Google rewrites DTSTAMP on every download: leave it out, as prepare() does."""
    clean = _DTSTAMP.sub(b"", body)
    return [hashlib.blake2b(b, digest_size=16).digest() for b in clean.split(b"\nBEGIN:VEVENT")[1:]]


def main(argv: list[str] | None = None) -> int:
    from kara_tui.ical.parse import parse_feed

    parser = argparse.ArgumentParser(prog="python -m benchmarks._experiments")
    parser.add_argument("file", type=Path)
    parser.add_argument("--now", type=datetime.fromisoformat, default=None)
    args = parser.parse_args(argv)
    now = args.now or datetime.now(UTC)
    start, end = now - timedelta(days=90), now + timedelta(days=366)
    body = args.file.read_bytes()

    def occurrences(data: bytes) -> tuple[float, set[tuple[object, ...]]]:
        t0 = time.perf_counter()
        result = parse_feed(data, window_start=start, window_end=end)
        seconds = time.perf_counter() - t0
        return seconds, {
            (o.uid, o.recurrence_id, o.start, o.end, o.summary) for o in result.occurrences
        }

    full_s, full = occurrences(body)
    print(f"parse_feed, whole body:            {full_s:6.2f} s  {len(full)} occurrences")
    t0 = time.perf_counter()
    filtered, kept, dropped = prefilter(body, start, end)
    pre_s = time.perf_counter() - t0
    part_s, part = occurrences(filtered)
    same = "same occurrences" if part == full else f"DIFFERENT: {len(full ^ part)} differ"
    print(
        f"pre-filter + parse_feed:           {pre_s + part_s:6.2f} s  (filter {pre_s:.3f} s, "
        f"kept {kept} of {kept + dropped} VEVENTs; {same})"
    )
    series_s, _ = occurrences(series_only(filtered))
    print(
        f"parse_feed, in-window series only: {series_s:6.2f} s  (floor for a single-event fast path)"
    )
    t0 = time.perf_counter()
    hashes = block_hashes(body)
    print(
        f"strip DTSTAMP + split + hash:      {time.perf_counter() - t0:6.3f} s  "
        f"({len(hashes)} VEVENT blocks: what a re-sync must do before it knows what changed)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
