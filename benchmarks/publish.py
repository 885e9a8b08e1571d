"""Publishing to a local Radicale (issue 18 item 5): kara-tui's runs against a plain caldav loop.

Cold: 1,000 sessions published to an empty calendar. One change: a run after one session's
location changed. Nothing changed: a run that must send no request at all. The baseline is
what a script with the ``caldav`` library does: one PUT per event, every time.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SESSIONS = 1000


class _Counting:
    """The caldav library's client, counting the requests it sends."""

    def __init__(self, dav: Any) -> None:
        self.dav = dav
        self.requests = 0

    def put(self, url: str, body: str, headers: Any = None) -> Any:
        self.requests += 1
        return self.dav.put(url, body, headers)

    def delete(self, url: str, headers: Any = None) -> Any:
        self.requests += 1
        return self.dav.delete(url, headers)

    def request(self, url: str, method: str = "GET", body: str = "", headers: Any = None) -> Any:
        self.requests += 1
        return self.dav.request(url, method, body, headers)


def _practice(folder: Path, now: datetime) -> Any:
    from kara_tui.clock import FixedClock
    from kara_tui.db.engine import make_engine
    from kara_tui.db.rows import SessionRow
    from kara_tui.db.schema import upgrade
    from kara_tui.domain import Money
    from kara_tui.services.practice import Practice

    engine = make_engine(f"sqlite:///{folder / 'publish.db'}")
    upgrade(engine)
    practice = Practice(engine, FixedClock(now, "Europe/London"))
    practice.ensure_professional()
    client = practice.add_client("Anna Smith", fee=Money(9000, "GBP"))
    first = now.replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(days=1)
    with practice.writing() as db:
        for i in range(SESSIONS):
            start = first + timedelta(days=i // 8, hours=i % 8)
            db.add(
                SessionRow(
                    uid=f"bench-{i}@kara-tui",
                    professional_id=1,
                    client_id=client.id,
                    start=start,
                    end=start + timedelta(minutes=50),
                    service="Therapy",
                    location="Room 1",
                    created_at=now,
                    updated_at=now,
                )
            )
    return practice


def _plain_loop(url: str, texts: list[str]) -> float:
    """The baseline: the caldav library's own save_event for every event."""
    from caldav.davclient import DAVClient

    calendar = DAVClient(url=url, enable_rfc6764=False).calendar(url=url)
    t0 = time.perf_counter()
    for text in texts:
        calendar.save_event(text)
    return time.perf_counter() - t0


def bench(work: Path, now: datetime) -> dict[str, float | int]:
    """Every figure of this benchmark, in seconds and request counts."""
    sys.path.insert(0, str(ROOT / "tests"))
    from kara_tui.ical.publish import resource
    from kara_tui.policy.publishing import Detail, horizon, wanted
    from kara_tui.services.publish_run import Publisher
    from kara_tui.services.publish_targets import PublishTargets
    from radicale_server import running  # the tests' own server helper

    practice = _practice(work, now)
    events = wanted(
        practice.list_sessions(),
        [],
        detail=Detail.FULL,
        window=horizon(now, 90, 365),
        include_time_off=False,
    )
    stamp = datetime.now(UTC)
    texts = [resource(e, stamp) for e in events.values()]
    with running(work / "radicale") as server:
        from caldav.davclient import DAVClient

        baseline_url = server.calendar("baseline")
        baseline_cold = _plain_loop(baseline_url, texts)
        baseline_again = _plain_loop(baseline_url, texts)  # a plain loop rewrites everything

        url = server.calendar("kara")
        targets = PublishTargets(practice)
        targets.add("Bench", url, detail="full")
        t0 = time.perf_counter()
        (cold,) = Publisher(practice, targets).run()
        cold_s = time.perf_counter() - t0
        if not cold.ok or cold.written != len(texts):
            raise RuntimeError(f"the cold publish failed: {cold.message}")

        first = practice.list_sessions()[0]
        practice.edit_session(first.id, location="Room 2")
        counting = _Counting(DAVClient(url=url, enable_rfc6764=False))
        t0 = time.perf_counter()
        (one,) = Publisher(practice, targets, client=counting).run()
        one_s = time.perf_counter() - t0
        one_requests = counting.requests

        counting = _Counting(DAVClient(url=url, enable_rfc6764=False))
        t0 = time.perf_counter()
        Publisher(practice, targets, client=counting).run()
        none_s = time.perf_counter() - t0
    return {
        "events": len(texts),
        "cold": cold_s,
        "baseline_cold": baseline_cold,
        "one": one_s,
        "one_written": one.written,
        "one_requests": one_requests,
        "baseline_again": baseline_again,
        "none": none_s,
        "none_requests": counting.requests,
    }
