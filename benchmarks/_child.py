"""The measured processes. Each run is a fresh interpreter, so no cache or heap is shared between
what is measured and its baseline. The last line of stdout is ``BENCH-RESULT {json}``.

Run by ``python -m benchmarks``; by hand: ``python -m benchmarks._child baseline FILE --now ISO``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

MARK = "BENCH-RESULT "
CHANGED_ROUNDS = 7  # syncs after one changed event, alternating the two bodies


def emit(result: dict[str, Any]) -> None:
    result.setdefault("rss_mb", peak_rss_mb())
    sys.stdout.write(MARK + json.dumps(result) + "\n")
    sys.stdout.flush()


def peak_rss_mb() -> float:
    """This program's peak resident memory.

    VmHWM belongs to the address space exec() created; ru_maxrss does not do: Linux carries
    the parent's high-water mark over fork+exec, so a big parent would show up here.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def since_process_start() -> float | None:
    """Seconds since the parent started this process (it passes its wall clock in BENCH_T0)."""
    t0 = os.environ.get("BENCH_T0")
    return time.time() - float(t0) if t0 else None


def window(now: datetime, tz: str, past_days: int, future_days: int) -> tuple[datetime, datetime]:
    """The sync horizon in whole local days, computed as services.feeds does."""
    zone = ZoneInfo(tz)
    today = now.astimezone(zone).date()
    first = today - timedelta(days=past_days)
    last = today + timedelta(days=future_days + 1)
    return (
        datetime.combine(first, dtime(0), tzinfo=zone).astimezone(UTC),
        datetime.combine(last, dtime(0), tzinfo=zone).astimezone(UTC),
    )


# -- feeds --------------------------------------------------------------------------------------


def cmd_baseline(args: argparse.Namespace) -> None:
    """Plain icalendar parse + recurring-ical-events expansion over the same horizon."""
    import icalendar
    import recurring_ical_events

    start, end = window(args.now, args.tz, args.past, args.future)
    data = Path(args.file).read_bytes()
    t0 = time.perf_counter()
    cal = icalendar.Calendar.from_ical(data)
    t1 = time.perf_counter()
    occurrences = sum(1 for _ in recurring_ical_events.of(cal).between(start, end))
    t2 = time.perf_counter()
    emit({"seconds": t2 - t0, "parse": t1 - t0, "expand": t2 - t1, "occurrences": occurrences})


def _report(report: Any) -> dict[str, Any]:
    return {
        "ok": report.ok,
        "message": report.message,
        "added": report.added,
        "updated": report.updated,
        "removed": report.removed,
        "unchanged": report.unchanged,
        "problems": len(report.problems),
        "skipped": getattr(report, "skipped", None),
    }


def cmd_kara(args: argparse.Namespace) -> None:
    """Cold import through the real service into a fresh SQLite file, then the re-syncs."""
    try:
        from kara_tui.services.feeds import Feeds
    except ImportError as exc:
        emit({"skipped": f"services.feeds not available yet ({exc})"})
        return
    from sqlalchemy import func, select

    from kara_tui.clock import FixedClock
    from kara_tui.config import Settings
    from kara_tui.db.engine import make_engine
    from kara_tui.db.rows import ExternalEventRow
    from kara_tui.db.schema import upgrade
    from kara_tui.services.practice import Practice

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    db = work / "kara.db"
    for leftover in work.glob("kara.db*"):
        leftover.unlink()
    feed = work / "feed.ics"
    shutil.copyfile(args.file, feed)
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    practice = Practice(engine, FixedClock(args.now, args.tz))
    practice.ensure_professional()
    # The sync window is in the practice's zone (a new practice's is UTC): the baseline's.
    practice.set_setting("timezone", args.tz)
    settings = Settings(
        horizon_past_days=args.past,
        horizon_future_days=args.future,
        fetch_max_bytes=args.max_bytes,
        fetch_deadline_seconds=600.0,
    )
    feeds = Feeds(practice, settings)
    rss_before = peak_rss_mb()

    t0 = time.perf_counter()
    report = feeds.import_file(feed, name="bench")
    cold = time.perf_counter() - t0
    rss_cold = peak_rss_mb()

    def stored() -> int:
        with practice.reading() as s:
            return int(s.scalar(select(func.count()).select_from(ExternalEventRow)) or 0)

    result: dict[str, Any] = {
        "cold": cold,
        "cold_report": _report(report),
        "stored": stored(),
        "rss_before_import_mb": rss_before,
        "rss_after_cold_mb": rss_cold,
    }
    if args.resync:
        t0 = time.perf_counter()
        again = feeds.sync("bench")[0]
        result["unchanged"] = time.perf_counter() - t0
        result["unchanged_report"] = _report(again)
    if args.changed:
        # Replace the file in one step, as a download would; then sync the edited feed. Each
        # later round swaps the other body back in: every sync meets exactly one changed
        # event, and the figure is the median of CHANGED_ROUNDS such syncs (one ~0.1 s
        # sample on a shared machine is mostly noise).
        bodies = [Path(args.changed), work / "feed.ics.orig"]
        shutil.copyfile(feed, bodies[1])
        times: list[float] = []
        reports: list[dict[str, Any]] = []
        for round_ in range(CHANGED_ROUNDS):
            tmp = work / "feed.ics.new"
            shutil.copyfile(bodies[round_ % 2], tmp)
            tmp.replace(feed)
            t0 = time.perf_counter()
            changed = feeds.sync("bench")[0]
            times.append(time.perf_counter() - t0)
            reports.append(_report(changed))
            if round_ == 0:
                result["stored_after_change"] = stored()
        result["changed"] = statistics.median(times)
        result["changed_runs"] = times
        result["changed_report"] = reports[0]
        result["changed_reports_agree"] = all(
            (r["added"], r["updated"], r["removed"]) == (0, 1, 0) for r in reports
        )
    engine.dispose()
    emit(result)


def cmd_cli(args: argparse.Namespace) -> None:
    """Not measured here: the parent times `kara-tui ...` as a whole process."""
    del args
    emit({})


# -- the calendar -------------------------------------------------------------------------------


def _bare_app() -> Any:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("Time", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
            for hour in range(7, 21):
                table.add_row(f"{hour:02d}:00", *[""] * 7)

    return Bare()


def _kara_app(args: argparse.Namespace) -> Any:
    """The app as `kara-tui` builds it (same parser, context and factory), without app.run()."""
    from kara_tui.cli import build_parser
    from kara_tui.cli.context import Context
    from kara_tui.ui.app import make_app

    cli_args = build_parser().parse_args(["--db", args.db, "--config", args.config])
    ctx = Context.from_args(cli_args)
    return make_app(services=ctx.services, settings=ctx.settings, clock=ctx.clock)


async def _settle(app: Any, pilot: Any) -> bool:
    """Wait until what the last input started has finished and the screen is painted.

    Returns False when workers were still running after the time limit (a background loop).
    """
    settled = True
    for _ in range(3):  # a worker's result can start another worker
        await pilot._wait_for_screen()
        if not any(w.is_running for w in app.workers):
            break
        try:
            await asyncio.wait_for(app.workers.wait_for_complete(), timeout=10)
        except TimeoutError:
            settled = False
            break
    await pilot._wait_for_screen()
    app.screen._on_timer_update()  # paint now rather than at the next refresh tick
    return settled


async def _press(app: Any, pilot: Any, key: str, char: str | None) -> None:
    """Post a key the way the terminal driver does, then wait until it has been handled.

    Pilot.press is not used: it sleeps at least 2 x 20 ms per key waiting for the CPU to go
    idle, which would swamp the 50 ms being measured. A key reaches the focused widget and
    bubbles back, so the screen is drained a few times before the workers and the paint.
    """
    from textual import events

    event = events.Key(key, char)
    event.set_sender(app)
    app.post_message(event)
    for _ in range(3):
        await pilot._wait_for_screen()
    await _settle(app, pilot)


def _screen_text(app: Any) -> str:
    return str(app.export_screenshot())


def cmd_startup(args: argparse.Namespace) -> None:
    """Process start to the first screen drawn with its data, ready for keys."""
    try:
        app = _bare_app() if args.bare else _kara_app(args)
    except ImportError as exc:
        emit({"skipped": f"the calendar app is not available yet ({exc})"})
        return

    async def run() -> dict[str, Any]:
        async with app.run_test(size=(160, 50)) as pilot:
            await pilot._wait_for_screen()
            app.screen._on_timer_update()
            first_frame = since_process_start()  # composed and painted, data maybe not yet
            settled = await _settle(app, pilot)
            ready = since_process_start()
            app.exit()
        return {"seconds": ready, "first_frame": first_frame, "settled": settled}

    emit(asyncio.run(run()))


def cmd_keys(args: argparse.Namespace) -> None:
    """Key press to the screen drawn again: `]` (next week) in the calendar, a cursor move in the
    bare DataTable app."""
    try:
        app = _bare_app() if args.bare else _kara_app(args)
    except ImportError as exc:
        emit({"skipped": f"the calendar app is not available yet ({exc})"})
        return
    key, char = ("down", None) if args.bare else (args.key, args.char)

    async def run() -> dict[str, Any]:
        times = []
        async with app.run_test(size=(160, 50)) as pilot:
            await _settle(app, pilot)
            before = _screen_text(app)
            for i in range(args.presses + 1):
                t0 = time.perf_counter()
                await _press(app, pilot, key, char)
                elapsed = time.perf_counter() - t0
                if i == 0:
                    # The first press warms caches; it is checked for effect, not timed.
                    changed = _screen_text(app) != before
                    continue
                times.append(elapsed)
            app.exit()
        return {"times": times, "screen_changed": changed}

    emit(asyncio.run(run()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks._child")
    sub = parser.add_subparsers(dest="cmd", required=True)

    def feed_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("file")
        p.add_argument("--now", type=datetime.fromisoformat, required=True)
        p.add_argument("--tz", default="Europe/London")
        p.add_argument("--past", type=int, default=90)
        p.add_argument("--future", type=int, default=365)

    p = sub.add_parser("baseline")
    feed_args(p)
    p.set_defaults(func=cmd_baseline)
    p = sub.add_parser("kara")
    feed_args(p)
    p.add_argument("--work", required=True)
    p.add_argument("--resync", action="store_true")
    p.add_argument("--changed", help="the edited feed to sync after the unchanged re-sync")
    p.add_argument("--max-bytes", type=int, default=20_000_000)
    p.set_defaults(func=cmd_kara)
    for name, func in (("startup", cmd_startup), ("keys", cmd_keys)):
        p = sub.add_parser(name)
        p.add_argument("--bare", action="store_true")
        p.add_argument("--db", default="")
        p.add_argument("--config", default="")
        p.add_argument("--presses", type=int, default=30)
        p.add_argument("--key", default="right_square_bracket")
        p.add_argument("--char", default="]")
        p.set_defaults(func=func)
    args = parser.parse_args(argv)
    args.func(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
