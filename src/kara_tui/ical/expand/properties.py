"""The one reader of VEVENT property lines as prepare() keeps them: name, parameters, value."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from kara_tui.ical.expand.values import read_duration as plain_duration
from kara_tui.ical.expand.values import read_value, unescape_backslash
from kara_tui.ical.prepare import EventSource

# NAME, then ;KEY=VALUE parameters, then the ':' before the value. Parameter values
# hold no backslash, '%', '^' (icalendar rewrites those), ',' (a list) or control
# characters; anything else is not "plain" and goes to icalendar.
_LINE = re.compile(
    r'([A-Za-z0-9-]+)((?:;[A-Za-z0-9-]+=(?:"[^"\\%^\x00-\x1f\x7f]*"|[^";:,\\%^\x00-\x1f\x7f]*))*):'
)
_PARAM = re.compile(r';([A-Za-z0-9-]+)=("[^"]*"|[^";:,]*)')
# Read only when a feed's outline gives no group keys: compiled on first use (re's cache).
_UID_LINE = r"(?i)(?:^|(?<=\r\n))UID[;:][^\r\n]*"
_DIGITS = re.compile(r"[0-9]{8}(?:T[0-9]{6}Z?)?")

Params = dict[str, str]
Line = tuple[str, Params, str]
_NO_PARAMS: Params = {}  # shared by lines without parameters, never written to


def split_line(line: str) -> Line | None:
    """NAME (upper case), parameters (upper-case keys) and raw value; None unless plain.

    ``line`` is one of prepare()'s kept lines, so it starts with a valid name
    followed by ';' or ':'.
    """
    colon = line.find(":")
    if colon > 0 and line.find(";", 0, colon) < 0:  # no parameters: most lines
        name = line[:colon]
        return name if name.isupper() else name.upper(), _NO_PARAMS, line[colon + 1 :]
    match = _LINE.match(line)
    if match is None:
        return None
    section = match.group(2)
    params: Params = {}
    if section:
        for key, raw in _PARAM.findall(section):
            key = key.upper()
            if key in params:
                return None
            if raw.startswith('"'):
                value = raw[1:-1]
            else:
                value = raw
                if value != value.strip(" \t") or not value:
                    return None
            params[key] = value
    return match.group(1).upper(), params, line[match.end() :]


def read_lines(text: str) -> list[Line] | None:
    out: list[Line] = []
    for line in text.split("\r\n") if text else ():
        parts = split_line(line)
        if parts is None:
            return None
        out.append(parts)
    return out


# -- values --------------------------------------------------------------------------------


# A tuple (typing.NamedTuple), not a dataclass: its class is built without compiling an
# __init__, __eq__ and __repr__ at import, and one is made in half the time (issue 19).
class When(NamedTuple):
    """A DTSTART/DTEND/RECURRENCE-ID value as written: a date, or a wall time with its zone."""

    text: str  # "YYYYMMDD" or "YYYYMMDDTHHMMSS"
    tzid: str | None
    utc: bool  # written with a trailing Z

    @property
    def is_date(self) -> bool:
        return len(self.text) == 8


def read_when(params: Params, value: str) -> When | None:
    """The value icalendar would read, when it is a plain date or date-time; else None.

    Mirrors ``vDDDTypes``/``vDate``/``vDatetime``: a TZID on a date, VALUE=DATE on
    a date-time (or the reverse) or any other parameter is left to icalendar.
    """
    kind = params.get("VALUE")
    tzid = params.get("TZID")
    if len(params) > (kind is not None) + (tzid is not None):
        return None
    if _DIGITS.fullmatch(value) is None:
        return None
    year = int(value[:4])
    if not 1 < year < 9999:  # stay clear of date overflow at the edges of time
        return None
    # Each is checked as wall_value() reads it: ASCII digits around the T, by fromisoformat
    # (called here without wall_value()'s own checks of the shape: _DIGITS made them).
    try:
        if len(value) == 8:
            if tzid is not None or (kind is not None and kind != "DATE" and kind.upper() != "DATE"):
                return None
            date.fromisoformat(value)
            return When(value, None, False)
        if kind is not None and kind.upper() != "DATE-TIME":
            return None
        datetime.fromisoformat(value[:15])
    except ValueError:  # 20250230: icalendar keeps it as broken
        return None
    return When(value[:15], tzid, len(value) == 16)


def wall_value(when: When) -> datetime | date:
    """The date or wall time ``when`` writes ("YYYYMMDD" or "YYYYMMDDTHHMMSS"); ValueError
    for a day or time that does not exist.

    Those two exact shapes, ASCII digits around the T, go to ``fromisoformat``, which reads
    them in an eighth of the time with the same result (tests/unit/ical/test_wall_value.py);
    anything else, which fromisoformat might also accept ("2026-12-07"), is read as before.
    """
    t = when.text
    if t.isascii():
        if len(t) == 8:
            if t.isdigit():
                return date.fromisoformat(t)
        elif len(t) == 15 and t[8] == "T" and t[:8].isdigit() and t[9:].isdigit():
            return datetime.fromisoformat(t)
    return _wall_value_read(t)


def _wall_value_read(t: str) -> datetime | date:
    """wall_value() of any other text: each field by int(), as it always was."""
    if len(t) == 8:
        return date(int(t[:4]), int(t[4:6]), int(t[6:8]))
    return datetime(  # noqa: DTZ001 - a wall time; its zone is applied by the caller
        int(t[:4]), int(t[4:6]), int(t[6:8]), int(t[9:11]), int(t[11:13]), int(t[13:15])
    )


def ical_value(text: str, tzid: str | None = None) -> Any:
    """A date, date-time or duration value as icalendar reads it (``vDDDTypes``): by our own
    reader when it knows the form (ical/expand/values.py), else by icalendar itself."""
    if tzid is None:
        value = read_value(text)
        if value is not None:
            return value
    from icalendar.prop import vDDDTypes  # the reference, loaded only for unusual values

    return vDDDTypes.from_ical(text, timezone=tzid)  # type: ignore[no-untyped-call]  # icalendar leaves from_ical untyped


def read_duration(params: Params, value: str) -> timedelta | None:
    if params:
        return None
    duration = plain_duration(value)
    if duration is not None:
        return duration
    try:
        parsed = ical_value(value)
    except Exception:
        return None
    return parsed if isinstance(parsed, timedelta) else None


# -- plain events ---------------------------------------------------------------------------


def text_value(value: str) -> str:
    """A TEXT property's raw value as icalendar reads it (backslash escapes undone)."""
    return unescape_backslash(value) if "\\" in value else value


def uid_key(source: EventSource, clean: Callable[[Any], str]) -> str:
    """The clean UID icalendar would give this VEVENT ("" for none), from its UID lines only."""
    uid_lines = re.findall(_UID_LINE, source.text)
    if not uid_lines:
        return ""
    first = split_line(uid_lines[0])
    if first is not None and "VALUE" not in first[1]:
        return clean(text_value(first[2]))
    from icalendar import Event  # a UID line of an unusual form: icalendar reads it

    try:
        event = Event.from_ical("BEGIN:VEVENT\r\n" + "\r\n".join(uid_lines) + "\r\nEND:VEVENT")
    except Exception:
        return ""
    return clean(event.get("UID"))


# -- groups that cannot reach the window -----------------------------------------------------
