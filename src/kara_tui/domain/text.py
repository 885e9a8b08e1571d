"""Text a person types: one check (length, control characters) and a terminal-safe display form."""

from __future__ import annotations

import re
from functools import cache

from kara_tui.domain.errors import DomainError

# Longest values kept, in characters. A name is shown in table columns (a 343-character name
# pushes every column off the clients table); an email address is at most 254 (RFC 5321);
# a time-off reason is stored in a 500-character column.
NAME = 120
EMAIL = 254
PHONE = 50
LABEL = 200  # a session's service or location
REASON = 500  # a time-off reason
NOTE = 2000  # notes and cancellation notes (several lines allowed)

# C0 and C1 control characters, DEL, lone surrogates (undecodable bytes in argv) and the
# Unicode bidirectional overrides and isolates that reorder what a terminal shows.
# Compiled on first use (their ranges are slow to compile, and most runs never check or
# escape a value): _controls(True) keeps \t and \n.
_OTHER_UNSAFE = "\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069"


@cache
def _controls(but_lines: bool = False) -> re.Pattern[str]:
    low = "\x00-\x08\x0b-\x1f" if but_lines else "\x00-\x1f"
    return re.compile(f"[{low}{_OTHER_UNSAFE}]")


_NAMED = {"\n": "a line break", "\r": "a line break", "\t": "a tab", "\x1b": "ESC", "\x07": "BEL"}


def _name(ch: str) -> str:
    return _NAMED.get(ch, f"U+{ord(ch):04X}")


def check_text(
    value: str, what: str, limit: int, *, multiline: bool = False, required: bool = False
) -> str:
    """``value`` stripped, or a DomainError naming ``what`` and the rule it breaks.

    Single-line values refuse every control character (a line break included); multi-line
    ones keep line breaks and tabs (CR LF becomes LF) and refuse the rest.
    """
    text = value.replace("\r\n", "\n") if multiline else value
    text = text.strip()
    if required and not text:
        raise DomainError(f"{what} cannot be empty")
    bad = _controls(multiline).search(text)
    if bad is not None:
        raise DomainError(f"{what} cannot contain control characters ({_name(bad.group())})")
    if len(text) > limit:
        raise DomainError(f"{what} has at most {limit} characters (this one has {len(text)})")
    return text


def escape_controls(text: str, *, keep: str = "") -> str:
    """``text`` with every control character shown as an escape (``\\x1b``), so stored text
    cannot drive the terminal; characters in ``keep`` (say, newlines) pass unchanged."""
    plain = text
    for ch in keep:  # a command's output lines: printable but for their line breaks
        plain = plain.replace(ch, "")
    if plain.isprintable():  # nothing _controls() matches is printable
        return text
    return _controls().sub(lambda m: m.group() if m.group() in keep else _escape(m.group()), text)


def _escape(ch: str) -> str:
    # \u for all but C0, so that text json.dumps left as is (it escapes C0 itself) stays JSON.
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x20 else f"\\u{code:04x}"
