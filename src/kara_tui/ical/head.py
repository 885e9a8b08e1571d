"""A feed's head (calendar properties and VTIMEZONEs) read without icalendar, when it is plain.

What the parser needs of the head is the PRODID and the TZIDs the VTIMEZONEs define; a
VTIMEZONE whose TZID is an IANA name is never read for its rules (ZoneResolver goes by the
name first). So a head of the usual form (Google's, Outlook's with IANA names, a contacts
app's) is read here and icalendar is not loaded for it (start-up of `feeds sync`, issue 19).
Anything else (a Windows or custom TZID, a parameter, an unusual property or value) gives
None and icalendar reads the head as before. tests/unit/ical/test_head.py holds the two alike.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from kara_tui.ical.expand.values import known_zone

_LINE = re.compile(r"([A-Z][A-Z0-9-]*):(.*)", re.DOTALL)
# A VTIMEZONE's values (most feeds have none): compiled on first use, in re's cache.
_OFFSET = r"[+-][0-9]{4}(?:[0-9]{2})?"
_LOCAL_TIME = r"[0-9]{8}T[0-9]{6}"
_PLAIN_TEXT = re.compile(r"[^\\\x00-\x1f\x7f]*")
_RULE = r"[A-Z0-9=;,+-]+"
# What prepare() keeps of the calendar's own properties, but X-WR-TIMEZONE (read by prepare).
_CALENDAR = frozenset({"VERSION", "PRODID", "CALSCALE", "METHOD", "X-WR-CALNAME", "NAME"})
_ZONE_TEXT = frozenset({"TZURL", "X-LIC-LOCATION"})
_RULE_TEXT = frozenset({"TZNAME", "COMMENT"})


class Head(NamedTuple):  # a NamedTuple: a dataclass costs more to define than to read a head
    """The head's PRODID ("" for none) and the TZIDs of its VTIMEZONEs, in order."""

    prodid: str
    zone_ids: tuple[str, ...]


def read_head(text: str) -> Head | None:
    """prepare()'s header text, when every line is of a plain form; else None."""
    prodid = ""
    zone_ids: list[str] = []
    where: list[str] = []  # the components open: [], ["VTIMEZONE"], [..., "STANDARD"]
    tzid: str | None = None
    for line in text.split("\r\n") if text else ():
        match = _LINE.fullmatch(line)
        if match is None:
            return None
        name, value = match.groups()
        if name == "BEGIN":
            if where == [] and value == "VTIMEZONE":
                tzid = None
            elif where != ["VTIMEZONE"] or value not in ("STANDARD", "DAYLIGHT"):
                return None
            where.append(value)
        elif name == "END":
            if not where or where[-1] != value:
                return None
            where.pop()
            if not where:
                if tzid is None:
                    return None
                zone_ids.append(tzid)
        elif not _plain_property(where, name, value):
            return None
        elif name == "PRODID":
            prodid = value
        elif name == "TZID":
            if tzid is not None or known_zone(value, False) is None:
                return None
            tzid = value
    return None if where else Head(prodid, tuple(zone_ids))


def _plain_property(where: list[str], name: str, value: str) -> bool:
    if not where:
        return (name in _CALENDAR or name.startswith("X-")) and bool(_PLAIN_TEXT.fullmatch(value))
    if len(where) == 1:
        if name == "LAST-MODIFIED":
            return bool(re.fullmatch(_LOCAL_TIME, value.removesuffix("Z")))
        return name == "TZID" or (name in _ZONE_TEXT and bool(_PLAIN_TEXT.fullmatch(value)))
    if name in ("TZOFFSETFROM", "TZOFFSETTO"):
        return bool(re.fullmatch(_OFFSET, value))
    if name == "DTSTART":
        return bool(re.fullmatch(_LOCAL_TIME, value))
    if name == "RRULE":
        return bool(re.fullmatch(_RULE, value))
    return name in _RULE_TEXT and bool(_PLAIN_TEXT.fullmatch(value))
