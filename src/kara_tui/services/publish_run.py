"""Publishing runs: bring each target to what the practice's sessions say, and record how it went.

Sessions and time off are read in one transaction, the target is written outside any, and
what was written is recorded afterwards (even when the run stopped half-way: the next run
then writes only what is still missing). ``publish run`` from cron and the open calendar's
worker both come here.
"""

from __future__ import annotations

import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, insert, select

from kara_tui.db.rows import PublishStateRow, PublishTargetRow
from kara_tui.domain import DomainError
from kara_tui.files import write_private
from kara_tui.ical.publish import Publishable, calendar_file, digest, resource
from kara_tui.policy.publishing import BUSY, Detail, horizon, wanted
from kara_tui.services import publish_caldav
from kara_tui.services.practice import Practice
from kara_tui.services.publish_caldav import Kept, Outcome, Want
from kara_tui.services.publish_series import series_to_publish
from kara_tui.services.publish_targets import FILE, PublishTargets
from kara_tui.services.run_report import RunReport


@dataclass(frozen=True, slots=True)
class PublishReport(RunReport):
    """How one target's run went, in words safe to show (no address, no client name)."""

    target: str
    written: int = 0
    deleted: int = 0
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Plan:
    id: int
    name: str
    kind: str
    url: str
    username: str
    detail: Detail
    events: dict[str, Publishable]
    kept: dict[str, Kept]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class Publisher:
    """Runs the practice's targets. ``client`` replaces the CalDAV client (tests only)."""

    def __init__(
        self,
        practice: Practice,
        targets: PublishTargets,
        *,
        client: Any = None,
        stop: Callable[[], bool] | None = None,
    ) -> None:
        self.practice = practice
        self.targets = targets
        self._client = client
        self._stop = stop

    def run(
        self, name: str | None = None, *, ask: Callable[[str], str] | None = None
    ) -> list[PublishReport]:
        """Run one target, or every enabled one; one target's failure never stops the others."""
        if name is not None:
            return [self._run_one(self.targets.get(name).name, ask)]
        return [self._run_one(t.name, ask) for t in self.targets.list() if t.enabled]

    def _run_one(self, name: str, ask: Callable[[str], str] | None) -> PublishReport:
        try:
            plan = self._plan(name)
            secret = self.targets.secret(name, ask=ask)
        except DomainError as exc:
            return self._record(name, None, Outcome(error=str(exc)), written_file=False)
        if plan.kind == FILE:
            return self._file(plan)
        tz = self.practice.tz
        stamp = self.practice.clock.now()
        wants = {
            uid: Want(uid, e.sequence, digest(e), "", _label(e, tz))
            for uid, e in plan.events.items()
        }
        puts, _ = publish_caldav.differences(wants, plan.kept)
        for want in puts:  # only what is written is rendered
            wants[want.uid] = replace(want, text=resource(plan.events[want.uid], stamp))
        outcome = publish_caldav.publish(
            secret.url,
            user=plan.username,
            password=secret.password,
            wants=wants,
            kept=plan.kept,
            client=self._client,
            stop=self._stop,
        )
        return self._record(name, plan, outcome, written_file=False)

    def _plan(self, name: str) -> _Plan:
        now = self.practice.clock.now()
        with self.practice.reading() as db:
            row = db.scalars(select(PublishTargetRow).where(PublishTargetRow.name == name)).first()
            if row is None:
                raise DomainError(f"the target '{name}' was removed")
            window = horizon(now, row.from_days, row.to_days)
            kept = {
                s.uid: Kept(s.uid, s.sequence, s.digest, s.href, s.etag)
                for s in db.scalars(
                    select(PublishStateRow).where(PublishStateRow.target_id == row.id)
                )
            }
            plan = (row.id, row.name, row.kind, row.url, row.username, Detail(row.detail))
            time_off = row.time_off
            series = series_to_publish(db, plan[5], window)  # a series is one resource
        sessions = [
            s
            for s in self.practice.list_sessions(start=window.start, end=window.end)
            if s.id not in series.covered
        ]
        blocks = self.practice.list_time_off(start=window.start, end=window.end)
        events: dict[str, Publishable] = dict(
            wanted(sessions, blocks, detail=plan[5], window=window, include_time_off=time_off)
        )
        events.update(series.events)
        return _Plan(*plan, events=events, kept=kept)

    def _file(self, plan: _Plan) -> PublishReport:
        """The .ics file: rewritten whole (atomically, 0600) when any event differs."""
        digests = {uid: digest(e) for uid, e in plan.events.items()}
        path = Path(plan.url)
        same = {u: k.digest for u, k in plan.kept.items()} == digests
        outcome = Outcome()
        if same and path.is_file():
            outcome.unchanged = len(digests)
            return self._record(plan.name, plan, outcome, written_file=False)
        body = calendar_file(
            plan.events.values(),
            self.practice.clock.now(),
            # The calendar's name shows on the phone: the practice's only when names may show.
            BUSY if plan.detail is Detail.BUSY else self.practice.professional().name,
        )
        try:
            write_private(path, body, mode=_kept_mode(path))
        except OSError as exc:
            outcome.error = f"cannot write {path}: {exc.strerror or type(exc).__name__}"
            return self._record(plan.name, plan, outcome, written_file=False)
        for uid, e in plan.events.items():
            outcome.written[uid] = Kept(uid, e.sequence, digests[uid], str(path), "")
        outcome.dropped = set(plan.kept) - set(plan.events)
        return self._record(plan.name, plan, outcome, written_file=True)

    def _record(
        self, name: str, plan: _Plan | None, outcome: Outcome, *, written_file: bool
    ) -> PublishReport:
        """Keep what was written and how the run went, then say it."""
        now = self.practice.clock.now()
        with self.practice.writing() as db:
            row = db.scalars(select(PublishTargetRow).where(PublishTargetRow.name == name)).first()
            if row is not None:
                if plan is not None and row.id == plan.id:
                    _store(db, row.id, outcome.written, outcome.dropped)
                row.last_attempt = now
                row.last_error = outcome.error
                if not outcome.error:
                    row.last_success = now
                if outcome.notes:
                    row.last_note = "; ".join(outcome.notes)
        return _report(name, outcome, written_file)


def _store(db: Any, target_id: int, written: Mapping[str, Kept], dropped: set[str]) -> None:
    gone = set(dropped) | set(written)
    for chunk in _chunks(sorted(gone), 500):
        db.execute(
            delete(PublishStateRow).where(
                PublishStateRow.target_id == target_id, PublishStateRow.uid.in_(chunk)
            )
        )
    if written:
        db.execute(
            insert(PublishStateRow),
            [
                {
                    "target_id": target_id,
                    "uid": k.uid,
                    "sequence": k.sequence,
                    "digest": k.digest,
                    "href": k.href,
                    "etag": k.etag,
                }
                for k in written.values()
            ],
        )


def _kept_mode(path: Path) -> int:
    """0600 for a new file; a file the user made readable (chmod, for a web folder) stays so."""
    try:
        return stat.S_IMODE(path.lstat().st_mode) if path.is_file() else 0o600
    except OSError:
        return 0o600


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _label(event: Publishable, tz: ZoneInfo) -> str:
    start: datetime = event.start.astimezone(tz)
    return f"{start:%a} {start.day} {start:%b %H:%M}"


def _report(name: str, outcome: Outcome, written_file: bool) -> PublishReport:
    written, deleted = len(outcome.written), len(outcome.dropped)
    if written_file:
        what = f"wrote the file ({_plural(written, 'event')})"
    elif written or deleted:
        what = f"{_plural(written, 'event')} written, {deleted} removed"
    else:
        what = f"nothing to change ({_plural(outcome.unchanged, 'event')} up to date)"
    if outcome.error:
        message = f"{name}: {outcome.error}"
        if written or deleted:
            message += f" ({what} before that; the rest follows next run)"
        else:
            message += "; nothing was lost: the next run catches up"
    else:
        message = f"{name}: {what}"
    return PublishReport(
        name,
        ok=not outcome.error,
        message=message,
        written=written,
        deleted=deleted,
        unchanged=outcome.unchanged,
        notes=tuple(outcome.notes),
    )
