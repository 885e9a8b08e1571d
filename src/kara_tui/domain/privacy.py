"""What privacy mode shows instead of a client: initials, masked addresses, redacted sentences."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

MAX_INITIALS = 4


def initials(name: str) -> str:
    """'Alice Morgan' -> 'A.Mo.', 'Ann-Marie O'Neill' -> 'A.M.O.', 'Élodie' -> 'Él.', '=cmd' -> '?'.

    One letter for each given name and two for the family name (the last word), so that
    initials never read as a time of day ('12:00 A.M.' was Alice Morgan). Words are split at
    spaces and hyphens; a word that does not start with a letter gives nothing (so the result
    can never start a spreadsheet formula). At most four words: the first three and the last.
    """
    words = [
        word
        for word in re.split(r"[\s\-‐‑–—]+", name)
        if word and unicodedata.category(word[0]).startswith("L")
    ]
    if len(words) > MAX_INITIALS:
        words = [*words[: MAX_INITIALS - 1], words[-1]]
    parts = [word[0].upper() for word in words]
    if words:
        # The family name gets its second letter; failing that (O'Neill, a lone letter), the
        # first given name does ('Paul M' -> 'Pa.M.', never 'P.M.').
        for i in (len(words) - 1, 0):
            second = words[i][1:2]
            if second and unicodedata.category(second).startswith("L"):
                parts[i] += second.lower()
                break
    return "".join(f"{part}." for part in parts) or "?"


def mask_email(address: str) -> str:
    """'anna@example.com' -> 'a…@example.com': enough to tell addresses apart, not to read one."""
    local, at, domain = address.strip().partition("@")
    return f"{local[:1]}…{at}{domain}" if at else "…"


def redact(text: str, names: Iterable[str]) -> str:
    """``text`` with every one of ``names`` (any case) replaced by its initials.

    For sentences that quote a client, such as a service's error ('Anna Smith has no
    sponsored credit left') or a conflict ('overlaps Anna Smith's session'). Longer names
    go first, so 'Anna Smith-Jones' is not left as 'A.S.-Jones'.
    """
    wanted = sorted({n.strip() for n in names if len(n.strip()) > 1}, key=len, reverse=True)
    if not wanted or not text:
        return text
    alternatives = "|".join(re.escape(n) for n in wanted)
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
    return pattern.sub(lambda m: initials(m.group(0)), text)
