"""A re-sync after a small change parses only the UID groups that changed, and ends exactly
where a cold import of the new body would: the same rows, the same stored digests, and the
same report as a whole re-parse.

Each case imports body A, then syncs an edited body B three ways: incrementally (the real
path), whole (the stored digests dropped first), and as a cold import into a fresh database.
"""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

import kara_tui.services.feeds as feeds_module
from feedkit import Ev, MemoryKeyring, ics, snapshot
from kara_tui.clock import FixedClock
from kara_tui.config import Settings
from kara_tui.db.engine import make_engine
from kara_tui.db.schema import upgrade
from kara_tui.ical.outline import outline
from kara_tui.ical.parse import parse_feed
from kara_tui.services.feeds import Feeds, SyncReport
from kara_tui.services.practice import Practice

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # benchmarks/ sits beside src/, outside the installed package
    sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate_feed  # noqa: E402

CORPUS = ROOT.parent / "shared" / "ical-corpus"
NOW = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)
# Wide enough to reach the corpus's old events, as the corpus import test does.
WIDE = {"horizon_past_days": 365 * 30, "horizon_future_days": 365 * 3}

# -- the feeds ----------------------------------------------------------------------------


def _kit_feed() -> bytes:
    """A small feed of every kind the store meets, some of it outside the window."""
    monday = datetime(2026, 11, 16, 9, tzinfo=UTC)
    return ics(
        *[Ev(f"single-{i}@kit", monday + timedelta(days=i, hours=i % 3)) for i in range(6)],
        Ev("weekly@kit", monday, rrule="FREQ=WEEKLY;COUNT=30", summary="Supervision"),
        Ev(
            "weekly@kit",
            monday + timedelta(weeks=2, hours=3),
            summary="Supervision (moved)",
            extra=f"RECURRENCE-ID:{monday + timedelta(weeks=2):%Y%m%dT%H%M%SZ}",
        ),
        Ev("daily@kit", monday - timedelta(days=400), rrule="FREQ=DAILY;INTERVAL=3"),
        Ev("allday@kit", date(2026, 12, 24), minutes=2880, summary="Holiday", transparent=True),
        Ev("gone@kit", monday + timedelta(days=2), status="CANCELLED"),
        Ev("old@kit", monday - timedelta(days=3000), summary="Long ago"),
        Ev("far@kit", monday + timedelta(days=3000), summary="Far ahead"),
        Ev("bad@kit", monday, extra="RRULE:FREQ=WEEKLY;INTERVAL=0"),  # a problem, reported
    )


def _generated(mode: str) -> Callable[[], bytes]:
    def make() -> bytes:
        return generate_feed(120, mode=mode, seed=11, today=NOW.date()).encode("utf-8")

    return make


def _corpus(name: str) -> Callable[[], bytes]:
    def make() -> bytes:
        path = CORPUS / name
        if not path.is_file():
            pytest.skip("the shared corpus is not next to this checkout")
        return path.read_bytes()

    return make


FEEDS: dict[str, tuple[Callable[[], bytes], dict[str, int]]] = {
    "kit": (_kit_feed, {}),
    "generated-history": (_generated("history"), {}),
    "generated-dense": (_generated("dense"), {}),
    "google-aus-holidays": (_corpus("ical4j/google_aus_holidays.ics"), WIDE),
    "only-modifications": (
        _corpus("python-recurring-ical-events/issue_173_only_modifications_error.ics"),
        WIDE,
    ),
    "discourse-zones": (_corpus("python-recurring-ical-events/discourse_no_dtend.ics"), WIDE),
}

# -- edits of a body, at byte level --------------------------------------------------------


@dataclass
class _Block:
    start: int  # offsets of BEGIN:VEVENT and just past END:VEVENT + line end
    end: int
    text: bytes

    def prop(self, name: bytes) -> bytes | None:
        match = re.search(rb"(?m)^" + name + rb"[;:][^\r\n]*", self.text)
        return match.group(0) if match else None

    @property
    def uid(self) -> str:
        line = self.prop(b"UID")
        assert line is not None
        return line[4:].decode()


def _eol(body: bytes) -> bytes:
    return b"\r\n" if b"\r\n" in body else b"\n"


def _blocks(body: bytes) -> list[_Block]:
    eol = _eol(body)
    out = []
    for match in re.finditer(rb"(?m)^BEGIN:VEVENT" + eol + rb".*?^END:VEVENT" + eol, body, re.S):
        out.append(_Block(match.start(), match.end(), match.group(0)))
    return out


def _in_window(body: bytes, settings: Settings) -> dict[str, list[Any]]:
    """UID -> its occurrences in the sync window, as the parser reads body."""
    window = Feeds(_TEMPLATE["practice"], settings)._window()
    start, end = window.start, window.end
    found: dict[str, list[Any]] = {}
    for occ in parse_feed(
        body, window_start=start, window_end=end, default_tz=NOW.tzinfo
    ).occurrences:
        found.setdefault(occ.uid, []).append(occ)
    return found


def _singles(body: bytes, settings: Settings) -> list[_Block]:
    """Blocks that are a whole UID group on their own, neither recurring nor an override,
    and inside the window."""
    blocks = _blocks(body)
    counts: dict[str, int] = {}
    for block in blocks:
        counts[block.uid] = counts.get(block.uid, 0) + 1
    seen = _in_window(body, settings)
    found = [
        b
        for b in blocks
        if counts[b.uid] == 1
        and b.uid in seen
        and not any(b.prop(p) for p in (b"RRULE", b"RDATE", b"RECURRENCE-ID", b"EXDATE"))
    ]
    if not found:
        pytest.skip("no single event in the window")
    return found


def _shifted(line: bytes) -> bytes:
    """A DTSTART or DTEND an hour later (a day for a date; earlier near midnight)."""
    head, value = line.rsplit(b":", 1)
    if not value[:8].isdigit():
        return line  # not a time at all (a corpus file writes DTEND:None): left as it is
    if value[8:9] == b"T":
        hour = int(value[9:11])
        new_hour = hour + 1 if hour < 22 else hour - 1
        return head + b":" + value[:9] + b"%02d" % new_hour + value[11:]
    day = date(int(value[:4]), int(value[4:6]), int(value[6:8])) + timedelta(days=1)
    return head + b":" + f"{day:%Y%m%d}".encode() + value[8:]


def moved(body: bytes, settings: Settings) -> tuple[bytes, set[str]]:
    block = _singles(body, settings)[0]
    edited = block.text
    for name in (b"DTSTART", b"DTEND"):
        line = block.prop(name)
        if line is not None:
            edited = edited.replace(line, _shifted(line), 1)
    return body[: block.start] + edited + body[block.end :], {block.uid}


def added(body: bytes, settings: Settings) -> tuple[bytes, set[str]]:
    block = _singles(body, settings)[-1]
    copy = block.text.replace(block.prop(b"UID") or b"", b"UID:added-by-the-test@kara", 1)
    last = _blocks(body)[-1]
    return body[: last.end] + copy + body[last.end :], {"added-by-the-test@kara"}


def removed(body: bytes, settings: Settings) -> tuple[bytes, set[str]]:
    block = _singles(body, settings)[len(_singles(body, settings)) // 2]
    return body[: block.start] + body[block.end :], set()


def override_added(body: bytes, settings: Settings) -> tuple[bytes, set[str]]:
    """A RECURRENCE-ID override moving one instance of a timed series by an hour."""
    seen = _in_window(body, settings)
    overridden = {b.uid for b in _blocks(body) if b.prop(b"RECURRENCE-ID")}
    for block in _blocks(body):
        if block.prop(b"RRULE") is None or block.uid in overridden:
            continue
        instances = [o for o in seen.get(block.uid, []) if isinstance(o.start, datetime)]
        if len(instances) < 2:
            continue
        occ = instances[len(instances) // 2]
        eol = _eol(body)
        lines = [
            b"BEGIN:VEVENT",
            b"UID:" + block.uid.encode(),
            b"DTSTAMP:20261101T000000Z",
            b"RECURRENCE-ID:" + occ.recurrence_id.encode(),
            b"DTSTART:" + f"{occ.start + timedelta(hours=1):%Y%m%dT%H%M%SZ}".encode(),
            b"DTEND:" + f"{occ.end + timedelta(hours=1):%Y%m%dT%H%M%SZ}".encode(),
            b"SUMMARY:Moved by the test",
            b"END:VEVENT",
        ]
        copy = eol.join(lines) + eol
        last = _blocks(body)[-1]
        return body[: last.end] + copy + body[last.end :], {block.uid}
    pytest.skip("no timed series without overrides in the window")


def dtstamps(body: bytes, settings: Settings) -> tuple[bytes, set[str]]:
    """Google rewrites every DTSTAMP on each download: nothing to parse."""
    edited = re.sub(rb"(?m)^DTSTAMP:[^\r\n]*", b"DTSTAMP:20300101T000000Z", body)
    if edited == body:
        pytest.skip("no DTSTAMP lines")
    return edited, set()


def zone_changed(body: bytes, settings: Settings) -> tuple[bytes, None]:
    """A change outside the VEVENTs (here a VTIMEZONE): everything is parsed again."""
    eol = _eol(body)
    if b"BEGIN:VTIMEZONE" in body:
        return body.replace(
            b"BEGIN:VTIMEZONE" + eol, b"BEGIN:VTIMEZONE" + eol + b"X-KARA-TEST:1" + eol, 1
        ), None
    zone = eol.join(
        [
            b"BEGIN:VTIMEZONE",
            b"TZID:Kara/Test",
            b"BEGIN:STANDARD",
            b"DTSTART:19700101T000000",
            b"TZOFFSETFROM:+0100",
            b"TZOFFSETTO:+0100",
            b"END:STANDARD",
            b"END:VTIMEZONE",
        ]
    )
    first = _blocks(body)[0]
    return body[: first.start] + zone + eol + body[first.start :], None


def several(body: bytes, settings: Settings) -> tuple[bytes, set[str]]:
    """One event moved, one added, one removed and one override added, in one download."""
    body, a = override_added(body, settings)
    body, b = moved(body, settings)
    body, c = added(body, settings)
    body, d = removed(body, settings)
    return body, a | b | c | d


EDITS = {
    f.__name__: f for f in (moved, added, removed, override_added, dtstamps, zone_changed, several)
}

# -- running a case -----------------------------------------------------------------------


_TEMPLATE: dict[str, Any] = {}


@pytest.fixture(autouse=True, scope="module")
def _template_database(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One database at head with its professional, copied for every practice the cases
    need: three fresh databases a case, and upgrading each through Alembic costs more than
    the syncs."""
    path = tmp_path_factory.mktemp("template") / "kara.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    Practice(engine, FixedClock(NOW, "Europe/London")).ensure_professional()
    engine.dispose()  # the last connection closing folds the WAL into the file
    _TEMPLATE["db"] = path
    # A practice of its own (a copy) that only tells the sync window for some Settings.
    window = _practice_at(path.with_name("window.db"))
    _TEMPLATE["practice"] = window
    yield
    window.engine.dispose()
    _TEMPLATE.clear()


def _practice_at(path: Path) -> Practice:
    shutil.copyfile(_TEMPLATE["db"], path)
    return Practice(make_engine(f"sqlite:///{path}"), FixedClock(NOW, "Europe/London"))


@dataclass
class _Outcome:
    report: SyncReport
    events: list[tuple[Any, ...]]
    groups: list[tuple[Any, ...]]
    feed: tuple[Any, ...]


def _outcome(practice: Practice, feeds: Feeds, report: SyncReport) -> _Outcome:
    with practice.engine.connect() as conn:
        events = conn.execute(
            text(
                'SELECT uid, recurrence_id, start, "end", all_day, summary, location, busy,'
                " cancelled, component_hash FROM external_events ORDER BY uid, recurrence_id"
            )
        ).all()
        groups = conn.execute(
            text("SELECT uid, digest, problems FROM feed_groups ORDER BY uid")
        ).all()
    feed = feeds.get("Work")
    return _Outcome(
        report,
        [tuple(r) for r in events],
        [tuple(r) for r in groups],
        (feed.event_count, feed.stale, feed.last_error),
    )


class _ParseCalls:
    """Which UID groups each parse was asked for (None: the whole body)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.only: list[set[str] | None] = []
        real = feeds_module.parse_feed

        def spy(body: bytes, **kwargs: Any) -> Any:
            only = kwargs.get("only")
            self.only.append(None if only is None else set(only))
            return real(body, **kwargs)

        monkeypatch.setattr(feeds_module, "parse_feed", spy)


def _sync(
    tmp: Path,
    name: str,
    bodies: list[bytes],
    settings: Settings,
    *,
    whole: bool = False,
    one_process: bool = False,
) -> _Outcome:
    """Import bodies[0] into a fresh database, then sync each later body in turn.

    Each sync runs as ``kara-tui feeds sync`` does, with a Feeds of its own that reads the
    stored digests back; ``one_process`` keeps one Feeds for all, as the app does, which
    compares with the digests it stored itself.
    """
    tmp.mkdir()
    practice = _practice_at(tmp / "kara.db")
    feeds = Feeds(practice, settings, keyring=MemoryKeyring())
    path = tmp / "work.ics"
    path.write_bytes(bodies[0])
    report = feeds.import_file(path, "Work")
    assert report.ok, report.message
    for body in bodies[1:]:
        if not one_process:
            feeds = Feeds(practice, settings, keyring=MemoryKeyring())
        if whole:  # the stored digests dropped: the sync parses the whole body
            with practice.engine.begin() as conn:
                conn.execute(text("DELETE FROM feed_groups"))
        path.write_bytes(body)
        report = feeds.import_file(path, "Work")
    out = _outcome(practice, feeds, report)
    practice.engine.dispose()
    return out


def _check_same(incremental: _Outcome, whole: _Outcome, cold: _Outcome) -> None:
    assert incremental.events == cold.events
    assert whole.events == cold.events
    assert incremental.groups == cold.groups  # the next re-sync starts from the same place
    assert incremental.feed == whole.feed
    inc, full = incremental.report, whole.report
    assert (inc.ok, inc.added, inc.updated, inc.removed, inc.unchanged) == (
        full.ok,
        full.added,
        full.updated,
        full.removed,
        full.unchanged,
    )
    assert inc.problems == full.problems
    assert inc.message == full.message
    assert cold.report.problems == full.problems


@pytest.mark.parametrize("edit", list(EDITS))
@pytest.mark.parametrize("feed", list(FEEDS))
def test_a_resync_of_an_edited_body_ends_like_a_cold_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, feed: str, edit: str
) -> None:
    make, horizon = FEEDS[feed]
    settings = Settings(path=tmp_path / "config.toml", **horizon)
    body_a = make()
    assert outline(body_a) is not None  # the feeds chosen can be outlined
    body_b, expected = EDITS[edit](body_a, settings)
    assert body_b != body_a

    calls = _ParseCalls(monkeypatch)
    incremental = _sync(tmp_path / "incremental", feed, [body_a, body_b], settings)
    parsed = calls.only[1:]  # after the cold import of A
    whole = _sync(tmp_path / "whole", feed, [body_a, body_b], settings, whole=True)
    cold = _sync(tmp_path / "cold", feed, [body_b], settings)
    _check_same(incremental, whole, cold)

    assert incremental.report.ok and not incremental.report.skipped
    if expected is None:
        assert parsed == [None]  # the head changed: one whole parse
    elif not any(uid == "" for uid, _, problems in incremental.groups if problems):
        # Only the changed groups were parsed (nothing at all when none needs parsing).
        assert parsed == ([expected] if expected else [])


def test_syncing_back_and_forth_stays_right(tmp_path: Path, monkeypatch) -> None:
    settings = Settings(path=tmp_path / "config.toml")
    body_a = _kit_feed()
    body_b, _ = several(body_a, settings)
    body_c, _ = dtstamps(moved(body_b, settings)[0], settings)
    calls = _ParseCalls(monkeypatch)
    bodies = [body_a, body_b, body_c, body_a]
    incremental = _sync(tmp_path / "incremental", "kit", bodies, settings)
    assert None not in calls.only[1:]
    in_the_app = _sync(tmp_path / "app", "kit", bodies, settings, one_process=True)
    cold = _sync(tmp_path / "cold", "kit", [body_a], settings)
    for out in (incremental, in_the_app):
        assert out.events == cold.events and out.groups == cold.groups
    assert in_the_app.report == incremental.report


def test_problems_of_unchanged_groups_are_still_reported(tmp_path: Path, monkeypatch) -> None:
    settings = Settings(path=tmp_path / "config.toml")
    body_a = _kit_feed()
    body_b, _ = moved(body_a, settings)
    calls = _ParseCalls(monkeypatch)
    out = _sync(tmp_path / "incremental", "kit", [body_a, body_b], settings)
    assert calls.only[1:] == [{"single-0@kit"}]
    assert [(p.uid, "INTERVAL=0" in p.reason) for p in out.report.problems] == [("bad@kit", True)]
    assert "1 event skipped" in out.report.message


def test_a_feed_with_problems_of_its_own_is_always_parsed_whole(
    tmp_path: Path, monkeypatch
) -> None:
    settings = Settings(path=tmp_path / "config.toml")
    body_a = _kit_feed().replace(
        b"X-WR-CALNAME:Work", b"X-WR-CALNAME:Work\r\nX-WR-TIMEZONE:Mars/Olympus"
    )
    body_b, _ = moved(body_a, settings)
    calls = _ParseCalls(monkeypatch)
    incremental = _sync(tmp_path / "incremental", "kit", [body_a, body_b], settings)
    assert calls.only[1:] == [None]
    whole = _sync(tmp_path / "whole", "kit", [body_a, body_b], settings, whole=True)
    cold = _sync(tmp_path / "cold", "kit", [body_b], settings)
    _check_same(incremental, whole, cold)
    assert any(p.uid == "" and "Mars/Olympus" in p.reason for p in incremental.report.problems)


def test_a_new_day_moves_the_window_and_parses_whole(tmp_path: Path, monkeypatch) -> None:
    settings = Settings(path=tmp_path / "config.toml")
    practice = _practice_at(tmp_path / "kara.db")
    clock = practice.clock
    feeds = Feeds(practice, settings, keyring=MemoryKeyring())
    path = tmp_path / "work.ics"
    body_a = _kit_feed()
    path.write_bytes(body_a)
    assert feeds.import_file(path, "Work").ok
    calls = _ParseCalls(monkeypatch)
    assert isinstance(clock, FixedClock)
    clock.advance(days=1)
    path.write_bytes(moved(body_a, settings)[0])
    report = feeds.import_file(path, "Work")
    assert report.ok and calls.only == [None]
    path.write_bytes(body_a)  # and the day's next change is partial again
    assert feeds.import_file(path, "Work").updated == 1
    assert calls.only == [None, {"single-0@kit"}]
    practice.engine.dispose()


def test_a_partial_resync_that_leaves_the_feed_empty_asks_first(tmp_path: Path) -> None:
    settings = Settings(path=tmp_path / "config.toml")
    monday = datetime(2026, 11, 16, 9, tzinfo=UTC)
    outside = [Ev(f"old-{i}@kit", monday - timedelta(days=1000 + i)) for i in range(3)]
    body_a = ics(Ev("only@kit", monday), *outside)
    body_b = ics(*outside)
    out = _sync(tmp_path / "incremental", "kit", [body_a, body_b], settings)
    assert not out.report.ok and out.report.needs_confirmation
    assert "none of the feed's events fall within the sync window" in out.report.message
    assert [e[0] for e in out.events] == ["only@kit"]
    assert out.feed[1]  # stale


def test_a_partial_resync_that_fails_midway_changes_nothing(tmp_path: Path) -> None:
    settings = Settings(path=tmp_path / "config.toml")
    practice = _practice_at(tmp_path / "kara.db")
    engine = practice.engine
    feeds = Feeds(practice, settings, keyring=MemoryKeyring())
    path = tmp_path / "work.ics"
    body_a = _kit_feed()
    path.write_bytes(body_a)
    assert feeds.import_file(path, "Work").ok
    before = snapshot(engine)
    with engine.connect() as conn:
        groups_before = conn.execute(text("SELECT * FROM feed_groups ORDER BY uid")).all()
    # The partial store deletes and updates first, then inserts: the insert of the added
    # event fails, and the moved and removed events must come back with it.
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TRIGGER boom BEFORE INSERT ON external_events"
                " WHEN NEW.uid = 'added-by-the-test@kara'"
                " BEGIN SELECT RAISE(ABORT, 'simulated disk failure'); END"
            )
        )
    body_b, _ = several(body_a, settings)
    path.write_bytes(body_b)
    report = feeds.import_file(path, "Work")
    assert not report.ok and "could not be stored" in report.message
    assert snapshot(engine)[0] == before[0]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT * FROM feed_groups ORDER BY uid")).all() == groups_before
    feed = feeds.get("Work")
    assert feed.stale and "could not be stored" in feed.last_error

    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER boom"))
    assert feeds.import_file(path, "Work").ok
    cold = _sync(tmp_path / "cold", "kit", [body_b], settings)
    assert _outcome(practice, feeds, report).events == cold.events
    engine.dispose()


def test_a_sync_stored_meanwhile_sends_the_partial_one_to_a_whole_parse(
    tmp_path: Path, monkeypatch
) -> None:
    """Another kara-tui stores the feed while this one parses the changed groups: the
    digests this one read are stale, so it parses the body whole instead of mixing them."""
    settings = Settings(path=tmp_path / "config.toml")
    practice = _practice_at(tmp_path / "kara.db")
    feeds = Feeds(practice, settings, keyring=MemoryKeyring())
    other = Feeds(practice, settings, keyring=MemoryKeyring())
    path = tmp_path / "work.ics"
    body_a = _kit_feed()
    body_b, _ = several(body_a, settings)
    body_c, _ = removed(body_a, settings)
    path.write_bytes(body_a)
    assert feeds.import_file(path, "Work").ok

    real = feeds_module.parse_feed
    calls: list[Any] = []

    def racing(body: bytes, **kwargs: Any) -> Any:
        calls.append(kwargs.get("only"))
        if kwargs.get("only") is not None and len(calls) == 1:
            path.write_bytes(body_c)
            monkeypatch.setattr(feeds_module, "parse_feed", real)
            assert other.import_file(path, "Work").ok  # stores C while B is being parsed
            monkeypatch.setattr(feeds_module, "parse_feed", racing)
            path.write_bytes(body_b)
        return real(body, **kwargs)

    monkeypatch.setattr(feeds_module, "parse_feed", racing)
    path.write_bytes(body_b)
    report = feeds.import_file(path, "Work")
    assert report.ok, report.message
    assert calls[0] is not None and calls[-1] is None
    cold = _sync(tmp_path / "cold", "kit", [body_b], settings)
    mine = _outcome(practice, feeds, report)
    assert mine.events == cold.events and mine.groups == cold.groups
    practice.engine.dispose()


def test_damaged_stored_digests_cost_a_whole_parse_not_the_sync(
    tmp_path: Path, monkeypatch
) -> None:
    settings = Settings(path=tmp_path / "config.toml")
    practice = _practice_at(tmp_path / "kara.db")
    feeds = Feeds(practice, settings, keyring=MemoryKeyring())
    path = tmp_path / "work.ics"
    body_a = _kit_feed()
    path.write_bytes(body_a)
    assert feeds.import_file(path, "Work").ok
    with practice.engine.begin() as conn:
        conn.execute(text("UPDATE feed_groups SET problems = '[not json' WHERE uid = 'bad@kit'"))
    calls = _ParseCalls(monkeypatch)
    body_b, _ = moved(body_a, settings)
    path.write_bytes(body_b)
    feeds = Feeds(practice, settings, keyring=MemoryKeyring())  # a new process reads them
    report = feeds.import_file(path, "Work")
    assert report.ok and report.updated == 1 and calls.only == [None]
    cold = _sync(tmp_path / "cold", "kit", [body_b], settings)
    assert _outcome(practice, feeds, report).groups == cold.groups  # rewritten whole
    feeds.remove("Work")
    with practice.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM feed_groups")).scalar() == 0
    practice.engine.dispose()


def _outlined_corpus() -> list[str]:
    if not CORPUS.is_dir():
        return []
    names = []
    for path in sorted(CORPUS.rglob("*")):
        if path.is_file() and path.suffix in (".ics", ".txt") and outline(path.read_bytes()):
            names.append(str(path.relative_to(CORPUS)))
    return names


def _everything(body: bytes, settings: Settings) -> bytes:
    """Every edit of this file's kind that applies: DTSTAMPs, a move, an addition, a removal
    and an override, as many as the file has events for."""
    for edit in (dtstamps, override_added, moved, added, removed):
        try:
            body = edit(body, settings)[0]
        except pytest.skip.Exception:
            continue
    return body


@pytest.mark.slow
@pytest.mark.parametrize("name", _outlined_corpus())
def test_every_outlined_corpus_file_resyncs_like_a_cold_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    settings = Settings(path=tmp_path / "config.toml", **WIDE)
    body_a = (CORPUS / name).read_bytes()
    body_b = _everything(body_a, settings)
    if body_b == body_a:
        pytest.skip("nothing to edit")
    # As the app syncs: one Feeds throughout, comparing with the digests it stored itself.
    incremental = _sync(
        tmp_path / "incremental", name, [body_a, body_b], settings, one_process=True
    )
    whole = _sync(tmp_path / "whole", name, [body_a, body_b], settings, whole=True)
    cold = _sync(tmp_path / "cold", name, [body_b], settings)
    _check_same(incremental, whole, cold)


def test_the_app_reads_the_digests_back_after_another_process_synced(
    tmp_path: Path, monkeypatch
) -> None:
    """The digests a Feeds remembers stand only while the feed is as it stored it."""
    settings = Settings(path=tmp_path / "config.toml")
    practice = _practice_at(tmp_path / "kara.db")
    app, cli = (Feeds(practice, settings, keyring=MemoryKeyring()) for _ in range(2))
    path = tmp_path / "work.ics"
    body_a = _kit_feed()
    body_b, _ = moved(body_a, settings)
    body_c, _ = several(body_b, settings)
    path.write_bytes(body_a)
    assert app.import_file(path, "Work").ok
    path.write_bytes(body_b)
    assert cli.import_file(path, "Work").updated == 1  # another process stores B
    calls = _ParseCalls(monkeypatch)
    path.write_bytes(body_c)
    report = app.import_file(path, "Work")  # the app remembers A's digests: stale now
    assert report.ok and calls.only and calls.only[0] is not None
    cold = _sync(tmp_path / "cold", "kit", [body_c], settings)
    mine = _outcome(practice, app, report)
    assert mine.events == cold.events and mine.groups == cold.groups
    practice.engine.dispose()
