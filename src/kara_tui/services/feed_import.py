"""`kara-tui feeds import`: an .ics file read once, as a feed that is not refreshed on its own."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from kara_tui.db.rows import FeedRow
from kara_tui.domain import DomainError
from kara_tui.services.feed_list import check_name, check_source
from kara_tui.services.feed_reports import SyncReport

if TYPE_CHECKING:
    from kara_tui.services.feeds import Feeds


def import_file(feeds: Feeds, path: str | Path, name: str | None = None) -> SyncReport:
    """A one-shot snapshot of an .ics file: a feed that is not refreshed on its own.

    Importing the same file under the same name again updates it. A file that cannot be
    read leaves no feed behind.
    """
    where, secret = check_source(str(path))
    if secret:
        raise DomainError("import reads a local .ics file; for an address use 'feeds add'")
    clean = check_name(name if name is not None else Path(where).stem)
    created = False
    with feeds.practice.reading() as db:
        row = db.scalars(select(FeedRow).where(FeedRow.name == clean)).first()
        if row is not None and row.source != where:
            raise DomainError(
                f"a feed named '{clean}' already exists; choose another name with --name"
            )
    if row is None:
        feeds.add(clean, where, refresh_minutes=0)
        created = True
    [report] = feeds.sync(clean)
    if created and not report.ok:
        with feeds.practice.writing() as db:
            gone = db.scalars(select(FeedRow).where(FeedRow.name == clean)).first()
            if gone is not None and gone.event_count == 0:
                db.delete(gone)
    return report
