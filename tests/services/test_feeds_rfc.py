"""Issue 14 at the service: what a sync stores and says for the RFC 5545 edge cases."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from kara_tui.config import Settings
from kara_tui.db.rows import ExternalEventRow
from kara_tui.services.feeds import Feeds

ICS = Path(__file__).resolve().parents[1] / "ics"


@pytest.fixture
def feeds(practice) -> Feeds:
    return Feeds(practice, Settings())


@pytest.fixture
def feed_file(tmp_path: Path):
    path = tmp_path / "feed.ics"

    def use(name: str) -> Path:
        shutil.copyfile(ICS / name, path)
        return path

    return use


def _uids(practice) -> list[str]:
    with practice.reading() as db:
        return sorted(db.scalars(select(ExternalEventRow.uid)))


@pytest.mark.parametrize("cut", ["truncated_between_events.ics", "truncated_mid_line.ics"])
def test_a_feed_cut_off_keeps_the_stored_events_and_is_stale(
    practice, feeds, feed_file, cut
) -> None:
    feeds.add("Work", str(feed_file("three_events.ics")))
    [first] = feeds.sync("Work")
    assert first.ok and first.added == 3
    feed_file(cut)
    [report] = feeds.sync("Work")
    assert not report.ok and report.stale and report.removed == 0
    assert "incomplete" in report.message and "kept the 3 stored events" in report.message
    assert _uids(practice) == ["one@rfc.test", "three@rfc.test", "two@rfc.test"]
    feed = feeds.get("Work")
    assert feed.stale and "incomplete" in feed.last_error


def test_an_unreadable_end_is_stored_busy_for_the_set_length_with_a_note(
    practice, feed_file
) -> None:
    feeds = Feeds(practice, Settings(feed_unknown_length_minutes=90))
    feeds.add("Work", str(feed_file("unreadable_dtend.ics")))
    [report] = feeds.sync("Work")
    assert report.ok and report.added == 2
    with practice.reading() as db:
        rows = {r.uid: r for r in db.scalars(select(ExternalEventRow))}
    meeting = rows["bad-dtend@rfc.test"]
    assert meeting.busy and (meeting.end - meeting.start).total_seconds() == 90 * 60
    notes = {p.uid: p.reason for p in report.problems}
    assert "busy for 90 minutes" in notes["bad-dtend@rfc.test"]
    assert "DURATION was used" in notes["bad-dtend-duration@rfc.test"]
    assert report.skipped_events == 0 and all(p.is_note for p in report.problems)
    assert report.problems_said() == "2 notes"


def test_a_feed_with_a_lost_override_says_so_in_its_report(practice, feeds, feed_file) -> None:
    feeds.add("Work", str(feed_file("broken_recurrence_id.ics")))
    [report] = feeds.sync("Work")
    assert report.ok and report.added == 4
    (problem,) = report.problems
    assert (problem.feed, problem.uid) == ("Work", "weekly-moved@rfc.test")
    assert "RECURRENCE-ID could not be read" in problem.reason


def test_a_feed_over_its_budget_keeps_the_stored_events_and_says_why(
    practice, feeds, feed_file
) -> None:
    feeds.add("Work", str(feed_file("three_events.ics")))
    assert feeds.sync("Work")[0].ok
    feed_file("thirty_never_matching_rules.ics")  # 5 KB that once took a minute
    [report] = feeds.sync("Work")
    assert not report.ok and report.stale and report.removed == 0
    assert "too costly" in report.message and "500,000 steps" in report.message
    assert _uids(practice) == ["one@rfc.test", "three@rfc.test", "two@rfc.test"]
    assert "too costly" in feeds.get("Work").last_error
