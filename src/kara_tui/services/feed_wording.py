"""How a sync's failure is worded: of a file when the feed is a file, and never with an address."""

from __future__ import annotations

import re

from kara_tui.ical.fetch import mask_source

# The fetcher and the parser speak of a server; a local file is reported as a file.
_OF_A_FILE = (
    ("the server sent an empty response", "the file is empty"),
    ("a web page, not a calendar (a login page?)", "a web page, not a calendar"),
    ("the server sent a web page", "the file is a web page"),
    ("the server sent", "the file holds"),
)


def worded(source: str, reason: str) -> str:
    """``reason`` as said of ``source``: of the file, when the feed is a local file."""
    from kara_tui.services.feed_list import is_url  # the ORM's module: only once a sync failed

    if is_url(source):
        return reason
    for server, file in _OF_A_FILE:
        reason = reason.replace(server, file)
    return reason


_SECRETISH = re.compile(r"[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)


def scrub(text: str) -> str:
    """Last guard for messages from lower layers: no address ever reaches the user or a log."""
    return _SECRETISH.sub(lambda m: mask_source(m.group(0)), text)
