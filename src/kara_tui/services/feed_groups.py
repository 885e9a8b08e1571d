"""A feed's UID-group digests (feed_groups): what a re-sync compares a new body with."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from kara_tui import __version__
from kara_tui.ical.outline import Outline
from kara_tui.ical.parse import PARSE_REVISION
from kara_tui.services.feed_reports import FeedProblem
from kara_tui.services.feed_rows import MAX_UID
from kara_tui.services.feed_window import Window

if TYPE_CHECKING:
    from kara_tui.db.bulk import Bulk

BODY = ""  # the feed_groups row that stands for the body: the parse key and its own problems
_COLUMNS = ("feed_id", "uid", "digest", "problems")


class Inserts(Protocol):
    """Where digest rows are inserted: a db/bulk.py Bulk, or db/quick_store.py's for sqlite3."""

    def insert(
        self, columns: Sequence[str], rows: Iterable[Sequence[Any]], *, formed: bool = False
    ) -> int: ...


@dataclass(frozen=True, slots=True)
class StoredGroups:
    """A feed's stored UID groups as a re-sync compares them: what feed_groups holds.

    ``digests`` has every group but the body's row, whose digest is ``parse_key``;
    ``problems`` has the groups (and the body, under "") that the parse found any in.
    """

    parse_key: str
    digests: dict[str, str]
    problems: dict[str, list[tuple[str, str]]]


# Never compared, hashed or shown: no generated __eq__, __hash__ or __repr__ (each is
# compiled at import; issue 19).
@dataclass(frozen=True, slots=True, eq=False, repr=False)
class RememberedGroups:
    """The groups this process last stored for a feed, and the feed's body_hash then.

    While the feed's body_hash is still that, feed_groups holds exactly these, so a re-sync
    in the same process (the app's background refresh) compares with them instead of
    reading ten thousand rows back. ``body`` and ``outline`` are the body those groups
    are of and its outline, when kept (see feed_resync.REMEMBER_BODY_BYTES): the next
    body is then outlined from them (ical/outline_delta.py).
    """

    sync_key: str
    groups: StoredGroups
    body: bytes | None = None
    outline: Outline | None = None


def parse_key(head_digest: str, window: Window) -> str:
    """What a stored group digest is only good under: the rest of the body (zones, the
    calendar's own zone), the window, the zone floating times are read in, the parser."""
    text = "|".join(
        (
            head_digest,
            window.start.isoformat(),
            window.end.isoformat(),
            str(getattr(window.tz, "key", window.tz)),
            PARSE_REVISION,
            __version__,
        )
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def groups_to_store(body: Outline | None, window: Window) -> tuple[Outline, str] | None:
    """The outline to keep digests of, with its key; None when a re-sync must parse whole."""
    if body is None or any(len(uid) > MAX_UID for uid in body.groups):
        return None
    return body, parse_key(body.head_digest, window)


def write_group_digests(
    bulk: Inserts, feed_id: int, body: Outline, key: str, problems: list[FeedProblem]
) -> StoredGroups:
    """Every UID group's digest and problems, and the body's row: its key and the
    problems of no one group. Returns what was written."""
    by_uid = problems_by_uid(problems)
    own = [p for p in problems if p.uid not in body.groups]
    rows = (
        (feed_id, uid, digest, problems_json(by_uid.get(uid, ())))
        for uid, digest in body.groups.items()
    )
    bulk.insert(_COLUMNS, itertools.chain([(feed_id, BODY, key, problems_json(own))], rows))
    pairs = {uid: [(p.uid, p.reason) for p in found] for uid, found in by_uid.items()}
    if own:
        pairs = {u: v for u, v in pairs.items() if u in body.groups}
        pairs[BODY] = [(p.uid, p.reason) for p in own]
    return StoredGroups(key, dict(body.groups), pairs)


def write_changed_digests(
    bulk: Inserts,
    feed_id: int,
    body: Outline,
    changed: list[str],
    by_uid: dict[str, list[FeedProblem]],
) -> None:
    """The rows of the ``changed`` groups (their old rows already deleted)."""
    digests = body.groups
    bulk.insert(
        _COLUMNS,
        ((feed_id, uid, digests[uid], problems_json(by_uid.get(uid, ()))) for uid in changed),
    )


def read_group_digests(bulk: Bulk, where: object) -> StoredGroups | None:
    """The feed's stored groups; None when it has none (or only some: no body row)."""
    rows = bulk.read(("uid", "digest", "problems"), where)
    digests = dict(row[:2] for row in rows)
    key = digests.pop(BODY, None)
    if key is None:
        return None
    import json  # problems are rare: a clean feed's sync never loads json

    problems = {row[0]: [(u, r) for u, r in json.loads(row[2])] for row in rows if row[2]}
    return StoredGroups(key, digests, problems)


def problems_by_uid(problems: Iterable[FeedProblem]) -> dict[str, list[FeedProblem]]:
    out: dict[str, list[FeedProblem]] = {}
    for problem in problems:
        out.setdefault(problem.uid, []).append(problem)
    return out


def problems_json(problems: Iterable[FeedProblem]) -> str:
    pairs = [[p.uid, p.reason] for p in problems]
    if not pairs:
        return ""
    import json  # problems are rare: a clean feed's sync never loads json

    return json.dumps(pairs, ensure_ascii=False)


def in_file_order(problems: list[FeedProblem], body: Outline) -> list[FeedProblem]:
    """Problems of the body itself first, then each UID group's in the order the groups
    appear in the file: the same list whether the groups were parsed together or not."""
    if len(problems) < 2:
        return problems
    order = {uid: index for index, uid in enumerate(body.groups)}
    return sorted(problems, key=lambda p: order.get(p.uid, -1))
