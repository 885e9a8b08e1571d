"""Publishing to an .ics file: written whole and private, rewritten only when something changed."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
import pytest

from feedkit import MemoryKeyring
from kara_tui.domain import DomainError, Money, Reason
from kara_tui.services.publish_run import Publisher
from kara_tui.services.publish_targets import PublishTargets

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def targets(practice) -> PublishTargets:
    return PublishTargets(practice, keyring=MemoryKeyring())


def test_the_file_is_private_current_and_untouched_when_nothing_changed(
    practice, targets, tmp_path: Path
) -> None:
    anna = practice.add_client("Anna Smith", fee=Money(9000, "GBP"))
    first = practice.book(anna.id, MONDAY, location="12 Rose Street")
    second = practice.book(anna.id, MONDAY + timedelta(days=1))
    path = tmp_path / "web" / "practice.ics"
    path.parent.mkdir()
    targets.add("Web", f"file://{path}", detail="initials")
    publisher = Publisher(practice, targets)
    (report,) = publisher.run()
    assert report.ok and report.written == 2, report.message
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    assert sorted(str(e["SUMMARY"]) for e in cal.walk("VEVENT")) == ["Session: A.Sm."] * 2
    assert "Rose" not in path.read_text() and "Anna" not in path.read_text()
    inode = path.stat().st_ino
    (again,) = publisher.run()
    assert again.ok and again.written == 0 and again.unchanged == 2
    assert path.stat().st_ino == inode  # not rewritten
    practice.cancel(first.id, Reason.CLIENT, notify=False)
    (after,) = publisher.run()
    assert after.ok and after.deleted == 1
    uids = [str(e["UID"]) for e in icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")]
    assert uids == [second.uid]
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind


def test_a_mode_the_user_chose_is_kept(practice, targets, tmp_path: Path) -> None:
    anna = practice.add_client("Anna Smith", fee=Money(9000, "GBP"))
    session = practice.book(anna.id, MONDAY)
    path = tmp_path / "practice.ics"
    targets.add("Web", str(path))
    Publisher(practice, targets).run()
    path.chmod(0o644)  # shared from a web folder, on purpose
    practice.cancel(session.id, Reason.CLIENT, notify=False)
    (report,) = Publisher(practice, targets).run()
    assert report.ok and report.deleted == 1
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_an_unwritable_file_is_an_error_on_the_target_and_nothing_is_lost(
    practice, targets, tmp_path: Path
) -> None:
    folder = tmp_path / "gone"
    folder.mkdir()
    targets.add("Web", str(folder / "practice.ics"))
    folder.rmdir()
    (report,) = Publisher(practice, targets).run()
    assert not report.ok and "cannot write" in report.message
    assert targets.get("Web").last_error.startswith("cannot write")


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("", "needs an address"),
        ("ftp://example.com/cal", "'ftp:' targets are not supported"),
        ("https://me:pw@dav.example.com/cal/", "no user name or password in the address"),
        ("https:///cal/", "no host name"),
        ("/no/such/folder/x.ics", "no such folder"),
    ],
)
def test_bad_targets_are_refused_in_one_line(targets, target: str, words: str) -> None:
    with pytest.raises(DomainError, match=words):
        targets.add("Bad", target)
    assert targets.list() == []


def test_a_folder_is_not_a_file(targets, tmp_path: Path) -> None:
    with pytest.raises(DomainError, match="is a folder"):
        targets.add("Bad", str(tmp_path))


def test_names_are_unique_and_passwords_never_in_the_database(practice, targets) -> None:
    keyring = MemoryKeyring()
    targets = PublishTargets(practice, keyring=keyring)
    targets.add("Phone", "https://dav.example.com/cal/", user="me", password="hunter22")
    assert keyring.secrets == {("kara-tui-publish", "Phone"): "hunter22"}
    with pytest.raises(DomainError, match="exists already"):
        targets.add("Phone", "https://dav.example.com/other/")
    assert targets.secret("Phone").password == "hunter22"
    with practice.reading() as db:
        dumped = "\n".join(
            str(r)
            for r in db.execute(
                __import__("sqlalchemy").text("SELECT * FROM publish_targets")
            ).all()
        )
    assert "hunter22" not in dumped
    targets.remove("Phone")
    assert keyring.secrets == {}


def test_publishing_state_works_the_same_on_postgres(pg_url: str, clock, tmp_path: Path) -> None:
    from kara_tui.db.engine import make_engine
    from kara_tui.db.schema import upgrade
    from kara_tui.services.practice import Practice

    engine = make_engine(pg_url)
    upgrade(engine)
    try:
        practice = Practice(engine, clock)
        practice.ensure_professional()
        anna = practice.add_client("Anna Smith", fee=Money(9000, "GBP"))
        first = practice.book(anna.id, MONDAY)
        practice.book(anna.id, MONDAY + timedelta(days=1))
        targets = PublishTargets(practice, keyring=MemoryKeyring())
        targets.add("Web", str(tmp_path / "practice.ics"))
        assert Publisher(practice, targets).run()[0].written == 2
        practice.cancel(first.id, Reason.CLIENT, notify=False)
        (report,) = Publisher(practice, targets).run()
        assert report.ok and report.deleted == 1
        assert targets.get("Web").published == 1
    finally:
        engine.dispose()


def test_the_password_is_asked_once_then_kept_in_the_keyring(practice) -> None:
    keyring = MemoryKeyring()
    targets = PublishTargets(practice, keyring=keyring)
    targets.add("Phone", "https://dav.example.com/cal/private-5e4d3c2b1a09/", user="me")
    with pytest.raises(DomainError, match="no password for 'Phone'"):
        targets.secret("Phone")  # no terminal: said, never asked
    asked: list[str] = []

    def ask(prompt: str) -> str:
        asked.append(prompt)
        return "hunter22"

    assert targets.secret("Phone", ask=ask).password == "hunter22"
    assert targets.secret("Phone", ask=ask).password == "hunter22"
    assert len(asked) == 1 and "5e4d3c2b1a09" not in asked[0]
    assert keyring.secrets == {("kara-tui-publish", "Phone"): "hunter22"}
