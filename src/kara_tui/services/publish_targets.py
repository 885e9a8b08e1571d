"""Publishing targets: add, list and remove them, and find a CalDAV target's password.

A target is a CalDAV collection (http/https) or an .ics file. Its address is shown masked,
as a feed's is; its password comes from an environment variable named at ``add``, else the
user's keyring, and is never stored in the database or the config file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from kara_tui.db import codec
from kara_tui.db.rows import PublishStateRow, PublishTargetRow
from kara_tui.domain import DomainError
from kara_tui.domain.text import check_text
from kara_tui.ical.fetch import mask_source
from kara_tui.policy.publishing import DEFAULT_FROM_DAYS, DEFAULT_TO_DAYS, Detail, check_days
from kara_tui.services.errors import NotFound
from kara_tui.services.keyring_secrets import KeyringSecrets
from kara_tui.services.practice import Practice

KEYRING_SERVICE = "kara-tui-publish"
CALDAV, FILE = "caldav", "file"
MAX_NAME = 200
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True, slots=True)
class PublishTarget:
    """A target as the user sees it: its address masked."""

    id: int
    name: str
    kind: str
    shown: str  # the address, masked
    detail: Detail
    username: str
    password_env: str
    from_days: int
    to_days: int
    time_off: bool
    enabled: bool
    last_attempt: datetime | None
    last_success: datetime | None
    last_error: str
    last_note: str
    published: int  # events kara-tui holds on the target now


@dataclass(frozen=True, slots=True)
class Secret:
    """A target's full address and password, for the run only."""

    url: str
    password: str | None


class Passwords(KeyringSecrets):
    """Target passwords in the user's keyring, by target name."""

    service = KEYRING_SERVICE


def check_target(target: str) -> tuple[str, str]:
    """(kind, address to keep): a CalDAV collection URL, or an .ics file's absolute path."""
    text = target.strip()
    if not text:
        raise DomainError("a target needs an address: a CalDAV calendar URL or an .ics file")
    if any(ch.isspace() or not ch.isprintable() for ch in text) and "://" in text:
        raise DomainError("a target address cannot contain spaces or control characters")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise DomainError("the target address has a broken host or port") from None
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        if not parts.hostname:
            raise DomainError("the target address has no host name")
        if port is not None and not 0 < port <= 65535:
            raise DomainError("the target address has a port that is not from 1 to 65535")
        if parts.username or parts.password:
            raise DomainError(
                "put no user name or password in the address: use --user and --password-env"
            )
        return CALDAV, text if text.endswith("/") else text + "/"
    if scheme == "file":
        text = parts.path
    elif scheme and len(scheme) > 1:  # one letter is a Windows drive, not a scheme
        raise DomainError(
            f"'{scheme}:' targets are not supported: use an http(s) CalDAV calendar or a file"
        )
    path = Path(text).expanduser().absolute()
    if path.is_dir() or text.endswith(("/", os.sep)):
        raise DomainError(f"{path} is a folder: name the .ics file to write in it")
    if not path.parent.is_dir():
        raise DomainError(f"no such folder: {path.parent}")
    return FILE, str(path)


def _check_env(name: str) -> str:
    clean = name.strip()
    if clean and not _ENV_NAME.match(clean):
        raise DomainError(f"'{name}' is not an environment variable name (letters, digits, _)")
    return clean


class PublishTargets:
    """The practice's publishing targets."""

    def __init__(self, practice: Practice, *, keyring: Any = None) -> None:
        self.practice = practice
        self.passwords = Passwords(keyring)

    def add(
        self,
        name: str,
        target: str,
        *,
        detail: str = Detail.BUSY.value,
        user: str = "",
        password_env: str = "",
        password: str | None = None,
        from_days: int = DEFAULT_FROM_DAYS,
        to_days: int = DEFAULT_TO_DAYS,
        time_off: bool = False,
    ) -> PublishTarget:
        """Add a target; ``password`` (asked by the caller) goes to the keyring, never here."""
        clean = check_text(name, "a target name", MAX_NAME)
        if not clean:
            raise DomainError("a target needs a name")
        kind, url = check_target(target)
        level = Detail.parse(detail)
        check_days(from_days, "--from-days")
        check_days(to_days, "--to-days")
        user = check_text(user, "a user name", MAX_NAME)
        env = _check_env(password_env)
        if kind == FILE and (user or env):
            raise DomainError("an .ics file target takes no --user or --password-env")
        with self.practice.reading() as db:
            if db.scalars(select(PublishTargetRow).where(PublishTargetRow.name == clean)).first():
                raise DomainError(f"a target called '{clean}' exists already")
        if password and not env and not self.passwords.put(clean, password):
            raise DomainError(
                "no keyring can keep the password on this machine: give it in an environment "
                "variable instead (--password-env VAR); nothing was added"
            )
        with self.practice.writing() as db:
            row = PublishTargetRow(
                name=clean,
                kind=kind,
                url=url,
                detail=level.value,
                username=user,
                password_env=env,
                from_days=from_days,
                to_days=to_days,
                time_off=time_off,
                enabled=True,
                last_error="",
                last_note="",
                created_at=self.practice.clock.now(),
            )
            db.add(row)
            db.flush()
            return _shown(row, 0)

    def list(self) -> list[PublishTarget]:
        with self.practice.reading() as db:
            counts = _counts(db)
            rows = db.scalars(select(PublishTargetRow).order_by(PublishTargetRow.name))
            return [_shown(r, counts.get(r.id, 0)) for r in rows]

    def get(self, name: str) -> PublishTarget:
        with self.practice.reading() as db:
            row = _row(db, name)
            return _shown(row, _counts(db).get(row.id, 0))

    def remove(self, name: str) -> PublishTarget:
        """Forget a target (what it holds stays there: kara-tui does not reach out to clear it)."""
        with self.practice.writing() as db:
            row = _row(db, name)
            shown = _shown(row, 0)
            db.delete(row)
        self.passwords.drop(shown.name)
        return shown

    def secret(self, name: str, *, ask: Callable[[str], str] | None = None) -> Secret:
        """The target's address and password for a run.

        The password: the environment variable named at ``add``; else the keyring; else,
        when ``ask`` is given (a terminal is attached), asked once and kept in the keyring.
        """
        with self.practice.reading() as db:
            row = _row(db, name)
            url, user, env, shown = row.url, row.username, row.password_env, row.name
        if not user:
            return Secret(url, None)
        if env:
            value = os.environ.get(env)
            if not value:
                raise DomainError(f"the environment variable {env} (the password) is not set")
            return Secret(url, value)
        stored = self.passwords.get(shown)
        if stored:
            return Secret(url, stored)
        if ask is not None:
            typed = ask(f"Password for {user} at {mask_source(url)}: ")
            if typed:
                self.passwords.put(shown, typed)
                return Secret(url, typed)
        raise DomainError(
            f"no password for '{shown}' in the keyring: run 'kara-tui publish run {shown}' in a "
            "terminal to give it, or add the target with --password-env VAR"
        )


def _row(db: DbSession, name: str) -> PublishTargetRow:
    row = db.scalars(select(PublishTargetRow).where(PublishTargetRow.name == name.strip())).first()
    if row is None:
        raise NotFound(f"no publishing target called '{name.strip()}'")
    return row


def _counts(db: DbSession) -> dict[int, int]:
    stmt = select(PublishStateRow.target_id, func.count()).group_by(PublishStateRow.target_id)
    return {target_id: count for target_id, count in db.execute(stmt)}


def _shown(row: PublishTargetRow, published: int) -> PublishTarget:
    return codec.copied(
        PublishTarget,
        row,
        shown=mask_source(row.url),
        detail=Detail(row.detail),
        published=published,
    )
