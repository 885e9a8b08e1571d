"""Run kara-tui's benchmarks and print each figure beside the baseline measured in the same run.

    python -m benchmarks                    # everything (= make bench); writes benchmarks/RESULTS.md
    python -m benchmarks import-history     # one benchmark (or several; `import` = both imports)
    python -m benchmarks --list

Every measurement runs in a fresh child process (benchmarks/_child.py), so the thing measured
and its baseline never share caches or heap. Timings are never asserted: the table says
MET or NOT MET against the targets of the Performance issue, from ratios of this run.
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

from benchmarks.rounds import alternating

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
MARK = "BENCH-RESULT "
TZ = "Europe/London"


# -- the table ----------------------------------------------------------------------------------


@dataclass
class Row:
    figure: str
    value: float | None
    unit: str  # "s" or "MB"
    baseline: float | None = None
    baseline_label: str = ""
    target: str = ""  # as shown, e.g. "≤ 1/8", "< 50 ms"
    # Returns True when met; None when there is no target (a figure shown for information).
    check: Callable[[float, float | None], bool] | None = None
    skipped: str = ""
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline

    @property
    def status(self) -> str:
        if self.skipped:
            return "skipped"
        if self.check is None or self.value is None:
            return "info"
        return "MET" if self.check(self.value, self.ratio) else "NOT MET"


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "s":
        return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:g} {unit}"


def fmt_ratio(ratio: float | None) -> str:
    if ratio is None:
        return "—"
    if ratio < 0.1:
        return f"{ratio:.4f} (1/{1 / ratio:.0f})" if ratio > 0 else "0"
    if ratio < 1:
        return f"{ratio:.3f} (1/{1 / ratio:.1f})"
    return f"{ratio:.2f}x"


def table_lines(rows: list[Row], markdown: bool) -> list[str]:
    head = ["figure", "value", "baseline", "ratio", "target", "status"]
    body = []
    for r in rows:
        base = fmt(r.baseline, r.unit) if r.baseline is not None else "—"
        if r.baseline_label and r.baseline is not None:
            base += f" ({r.baseline_label})"
        value = r.skipped if r.skipped else fmt(r.value, r.unit)
        body.append([r.figure, value, base, fmt_ratio(r.ratio), r.target or "—", r.status])
    if markdown:
        out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        out += ["| " + " | ".join(cell.replace("|", "\\|") for cell in b) + " |" for b in body]
        return out
    widths = [
        max(len(h), *(len(b[i]) for b in body)) if body else len(h) for i, h in enumerate(head)
    ]
    line = "  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))
    out = [line, "-" * len(line)]
    out += ["  ".join(c.ljust(w) for c, w in zip(b, widths, strict=True)) for b in body]
    return out


# -- running children ---------------------------------------------------------------------------


@dataclass
class Run:
    """What every benchmark needs: places, the fixed 'now', and options."""

    cache: Path
    work: Path
    today: date
    now: datetime
    repeat: int
    quick: bool
    full: bool
    profile: bool
    events: int
    memory_events: int
    sizes: tuple[int, ...] = ()  # providers (and growth) feed sizes; () = each one's default
    details: list[str] = field(default_factory=list)
    sections: dict[str, list[str]] = field(default_factory=dict)  # of RESULTS.md, when run

    def say(self, text: str) -> None:
        print(f"  {text}", flush=True)
        self.details.append(text)

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        xdg = self.work / "xdg"
        env.update(
            XDG_CONFIG_HOME=str(xdg / "config"),
            XDG_DATA_HOME=str(xdg / "data"),
            XDG_STATE_HOME=str(xdg / "state"),
            XDG_CACHE_HOME=str(xdg / "cache"),
            KARA_NOW=self.now.isoformat(),
            PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
            PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
        )
        env.pop("KARA_DB", None)
        env.pop("KARA_CONFIG", None)
        return env

    def child(self, *args: str, timeout: float = 600) -> dict[str, Any]:
        """Run benchmarks._child in a fresh interpreter; its BENCH-RESULT line, parsed."""
        env = self.env()
        env["BENCH_T0"] = repr(time.time())
        cmd = [sys.executable, "-m", "benchmarks._child", *args]
        try:
            proc = subprocess.run(
                cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
            )
        except subprocess.TimeoutExpired:
            return {"error": f"timed out after {timeout:.0f} s"}
        for line in reversed(proc.stdout.splitlines()):
            if line.startswith(MARK):
                return dict(json.loads(line[len(MARK) :]))
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        return {"error": f"exit {proc.returncode}: " + " | ".join(tail)}

    def timed(
        self, cmd: list[str], *, timeout: float = 600, cwd: Path | None = None
    ) -> tuple[float, subprocess.CompletedProcess[str]]:
        env = self.env()
        env["TMPDIR"] = str(self.work)
        t0 = time.perf_counter()
        proc = subprocess.run(
            cmd, cwd=cwd or ROOT, env=env, capture_output=True, text=True, timeout=timeout
        )
        return time.perf_counter() - t0, proc

    # -- test data, generated once and cached (keyed by the generator's own source) ----------

    def _key(self) -> str:
        return hashlib.sha256((HERE / "generate.py").read_bytes()).hexdigest()[:10]

    def _db_key(self) -> str:
        """The generator's key and the schema's head: a database made at an older revision
        would be migrated by the first child that opens it, and measured on the slow path."""
        schema = (ROOT / "src" / "kara_tui" / "db" / "schema.py").read_text(encoding="utf-8")
        head = re.search(r'^HEAD = "(\w+)"', schema, re.MULTILINE)
        return f"{self._key()}-{head.group(1) if head else 'unknown'}"

    def feed(self, events: int, mode: str, *, changed: bool = False) -> Path:
        name = f"feed-{mode}-{events}-{self.today}-{'changed-' if changed else ''}{self._key()}.ics"
        path = self.cache / name
        if not path.exists():
            # In a child process: a 100k-event plan would otherwise stay in this process's
            # memory for the rest of the run.
            cmd = [sys.executable, "-m", "benchmarks.generate", "feed", "--events", str(events)]
            cmd += ["--mode", mode, "--today", self.today.isoformat(), "--out", str(path)]
            seconds, proc = self.timed(cmd + (["--changed"] if changed else []))
            if proc.returncode != 0:
                raise RuntimeError(f"generating {path.name} failed: {proc.stderr.strip()}")
            self.say(
                f"generated {path.name}: {path.stat().st_size / 1e6:.1f} MB in {seconds:.1f} s"
            )
        return path

    def practice_db(self, sessions: int, external: int) -> Path:
        name = f"practice-{sessions}-{external}-{self.now:%Y%m%dT%H%M}-{self._db_key()}.db"
        path = self.cache / name
        if not path.exists():
            tmp = path.with_suffix(".building.db")
            cmd = [sys.executable, "-m", "benchmarks.generate", "practice", "--sessions"]
            cmd += [str(sessions), "--external", str(external), "--now", self.now.isoformat()]
            seconds, proc = self.timed([*cmd, "--out", str(tmp)])
            if proc.returncode != 0:
                raise RuntimeError(f"generating {path.name} failed: {proc.stderr.strip()}")
            tmp.replace(path)
            self.say(f"generated {path.name} in {seconds:.1f} s: {proc.stderr.strip()}")
        copy = self.work / f"practice-{sessions}.db"
        for leftover in self.work.glob(f"{copy.name}*"):
            leftover.unlink()
        shutil.copyfile(path, copy)
        return copy

    def feed_args(self) -> list[str]:
        return ["--now", self.now.isoformat(), "--tz", TZ]


def _exit_said(proc: subprocess.CompletedProcess[str]) -> str:
    """Why a timed command failed (its last line on stderr), or "" when it did not."""
    if proc.returncode == 0:
        return ""
    return "skipped: " + ((proc.stderr.strip().splitlines() or ["failed"])[-1])


def _failed(result: dict[str, Any]) -> str:
    return str(result.get("skipped") or result.get("error") or "")


def kara_tui_cmd() -> list[str]:
    script = Path(sys.executable).parent / "kara-tui"
    return [str(script)] if script.exists() else [sys.executable, "-m", "kara_tui"]


# -- the benchmarks -----------------------------------------------------------------------------

LABEL = {"history": "ten-year", "dense": "dense one-year"}
TARGET = {"history": 1 / 8, "dense": 1 / 4}


def bench_import(run: Run, mode: str) -> list[Row]:
    n = run.events
    label = f"{n // 1000}k {LABEL[mode]} feed"
    feed = run.feed(n, mode)
    edited = run.feed(n, mode, changed=True)

    base_runs = [run.child("baseline", str(feed), *run.feed_args()) for _ in range(run.repeat)]
    base_ok = [b for b in base_runs if not _failed(b)]
    base = min(base_ok, key=lambda b: b["seconds"]) if base_ok else base_runs[0]
    if base_ok:
        run.say(
            f"baseline ({label}): parse {base['parse']:.2f} s + expand {base['expand']:.2f} s, "
            f"{base['occurrences']} occurrences, peak {base['rss_mb']:.0f} MB"
        )
    else:
        run.say(f"baseline failed: {_failed(base)}")

    kara_runs = []
    for _ in range(run.repeat):
        extra = ["--resync", "--changed", str(edited)]
        kara_runs.append(
            run.child(
                "kara",
                str(feed),
                *run.feed_args(),
                "--work",
                str(run.work / f"kara-{mode}"),
                *extra,
            )
        )
    kara_ok = [k for k in kara_runs if not _failed(k)]
    kara = min(kara_ok, key=lambda k: k["cold"]) if kara_ok else kara_runs[0]
    skipped = _failed(kara)
    if not skipped:
        run.say(
            f"kara-tui ({label}): cold {kara['cold']:.2f} s, stored {kara['stored']} occurrences "
            f"(baseline {base.get('occurrences', '?')}), peak {kara['rss_mb']:.0f} MB; "
            f"{kara['cold_report']['message']}"
        )
        run.say(f"  re-sync unchanged: {kara['unchanged_report']['message']}")
        run.say(f"  re-sync one changed: {kara['changed_report']['message']}")
        if "changed_runs" in kara:
            runs = ", ".join(f"{s * 1000:.0f}" for s in kara["changed_runs"])
            agree = "" if kara.get("changed_reports_agree") else " (NOT every one 1 updated!)"
            run.say(f"  re-sync one changed, each round (ms): {runs}; median kept{agree}")
        if run.profile:
            profile_import(run, feed, mode)

    rows = [
        Row(
            f"cold import, {label} (service)",
            None if skipped else kara["cold"],
            "s",
            baseline=base.get("seconds"),
            baseline_label="icalendar + recurring-ical-events",
            target=f"≤ 1/{round(1 / TARGET[mode])}",
            check=lambda _v, r, t=TARGET[mode]: r is not None and r <= t,
            skipped=skipped,
        )
    ]

    calcurse = shutil.which("calcurse")
    if calcurse is None:
        rows.append(
            Row(
                f"`kara-tui import`, {label}, vs calcurse",
                None,
                "s",
                skipped="skipped: calcurse not installed",
            )
        )
    else:
        cal_times = []
        for _ in range(run.repeat):
            home = Path(tempfile.mkdtemp(prefix="calcurse-", dir=run.work))
            (home / "data").mkdir()
            (home / "conf").mkdir()
            seconds, proc = run.timed(
                [
                    calcurse,
                    "-D",
                    str(home / "data"),
                    "-C",
                    str(home / "conf"),
                    "-q",
                    "-i",
                    str(feed),
                ]
            )
            cal_times.append(seconds)
            shutil.rmtree(home, ignore_errors=True)
        kara_cli: list[float] = []
        cli_error = ""
        for _ in range(run.repeat):
            db = run.work / f"cli-import-{mode}.db"
            for leftover in run.work.glob(f"{db.name}*"):
                leftover.unlink()
            url = f"sqlite:///{db}"
            config = str(run.work / "none.toml")
            # An existing (empty) database, as a user has: created outside the timing.
            run.timed([*kara_tui_cmd(), "--db", url, "--config", config, "settings", "show"])
            seconds, proc = run.timed(
                [
                    *kara_tui_cmd(),
                    "--db",
                    url,
                    "--config",
                    config,
                    "import",
                    str(feed),
                    "--name",
                    "bench",
                ]
            )
            if proc.returncode != 0:
                kara_cli = []
                cli_error = (proc.stderr.strip().splitlines() or ["failed"])[-1]
                break
            kara_cli.append(seconds)
        run.say(f"calcurse -i ({label}): {min(cal_times):.2f} s")
        rows.append(
            Row(
                f"`kara-tui import`, {label}, whole process",
                min(kara_cli) if kara_cli else None,
                "s",
                baseline=min(cal_times),
                baseline_label="calcurse -i",
                target="< 1x",
                check=lambda _v, r: r is not None and r < 1,
                skipped="" if kara_cli else f"skipped: {cli_error}",
            )
        )

    cold = None if skipped else kara["cold"]
    rows.append(
        Row(
            f"re-sync unchanged, {label}",
            None if skipped else kara["unchanged"],
            "s",
            baseline=cold,
            baseline_label="cold import",
            target="≤ 2 %",
            check=lambda _v, r: r is not None and r <= 0.02,
            skipped=skipped,
        )
    )
    rows.append(
        Row(
            f"re-sync after one changed event, {label} (median of 7)",
            None if skipped else kara["changed"],
            "s",
            baseline=cold,
            baseline_label="cold import",
            target="≤ 10 %",
            check=lambda _v, r: r is not None and r <= 0.10,
            skipped=skipped,
        )
    )
    return rows


def profile_import(run: Run, feed: Path, mode: str) -> None:
    """One more cold import, sampled from outside by py-spy (an in-process profiler hooks
    tracing, which the parser's Watchdog does not survive); a summary goes to the cache."""
    spy = shutil.which(
        "py-spy", path=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    )
    if spy is None:
        run.say("profile skipped: py-spy is not installed (.venv/bin/pip install py-spy)")
        return
    raw = run.cache / f"import-{mode}.raw"
    cmd = [
        spy, "record", "-r", "250", "-f", "raw", "-o", str(raw), "--",
        sys.executable, "-m", "benchmarks._child", "kara", str(feed), *run.feed_args(),
        "--work", str(run.work / f"kara-{mode}-profile"),
    ]  # fmt: skip
    _, proc = run.timed(cmd)
    if proc.returncode != 0 or not raw.exists():
        run.say(f"profile failed: {(proc.stderr.strip().splitlines() or ['?'])[-1]}")
        return
    from benchmarks._profile import summarise

    summary = run.cache / f"import-{mode}-profile.txt"
    summary.write_text(
        summarise(raw.read_text(encoding="utf-8"), under="import_file"), encoding="utf-8"
    )
    run.say(f"  profile of the cold import: {summary}")


def bench_memory(run: Run) -> list[Row]:
    n = run.memory_events
    feed = run.feed(n, "history")
    size = feed.stat().st_size
    result = run.child(
        "kara", str(feed), *run.feed_args(), "--work", str(run.work / "kara-memory"),
        "--max-bytes", str(max(20_000_000, 4 * size)), timeout=900,
    )  # fmt: skip
    skipped = _failed(result)
    baseline = None
    if run.full:
        base = run.child("baseline", str(feed), *run.feed_args(), timeout=1800)
        if not _failed(base):
            baseline = base["rss_mb"]
            run.say(
                f"baseline ({n // 1000}k): {base['seconds']:.1f} s, peak {base['rss_mb']:.0f} MB"
            )
    if not skipped:
        run.say(
            f"kara-tui ({n // 1000}k ten-year feed, {size / 1e6:.0f} MB): cold {result['cold']:.1f} s, "
            f"peak {result['rss_mb']:.0f} MB (interpreter and modules before the import: "
            f"{result['rss_before_import_mb']:.0f} MB); {result['cold_report']['message']}"
        )
    return [
        Row(
            f"peak memory, {n // 1000}k-event ten-year import",
            None if skipped else result["rss_mb"],
            "MB",
            baseline=baseline,
            baseline_label="icalendar + recurring-ical-events" if baseline else "",
            target="< 400 MB",
            check=lambda v, _r: v < 400,
            skipped=skipped,
        )
    ]


def _practice_for_ui(run: Run) -> Path:
    return run.practice_db(10_000, 20_000)


def bench_startup(run: Run) -> list[Row]:
    db = _practice_for_ui(run)
    url = f"sqlite:///{db}"
    config = str(run.work / "none.toml")
    # Eleven rounds, as one start-up is a few tenths of a second and the machine is shared.
    (bares, karas), skipped = alternating(
        5 if run.quick else 11,
        [
            lambda: run.child("startup", "--bare"),
            lambda: run.child("startup", "--db", url, "--config", config),
        ],
        _failed,
    )
    bare_times = [bare["seconds"] for bare in bares]
    kara_times = [kara["seconds"] for kara in karas]
    kara_frames = [kara["first_frame"] for kara in karas]
    for kara in karas:
        if not kara.get("settled", True):
            run.say("note: the calendar still had workers running 10 s after start-up")
    if not skipped:
        run.say(
            "start-up runs (s): kara-tui "
            + ", ".join(f"{t:.2f}" for t in kara_times)
            + "; bare DataTable app "
            + ", ".join(f"{t:.2f}" for t in bare_times)
        )
    return [
        Row(
            "calendar start-up to the week drawn with its data (10k sessions, 20k external), median",
            None if skipped else statistics.median(kara_times),
            "s",
            baseline=None if skipped else statistics.median(bare_times),
            baseline_label="bare Textual app, one DataTable",
            target="≤ 1.5x",
            check=lambda _v, r: r is not None and r <= 1.5,
            skipped=skipped,
        ),
        Row(
            "calendar start-up to its first frame (the first week is read before it), median",
            None if skipped else statistics.median(kara_frames),
            "s",
            baseline=None if skipped else statistics.median(bare_times),
            baseline_label="bare Textual app, one DataTable",
            skipped=skipped,
        ),
    ]


def bench_keys(run: Run) -> list[Row]:
    db = _practice_for_ui(run)
    presses = 15 if run.quick else 30
    kara = run.child(
        "keys",
        "--db",
        f"sqlite:///{db}",
        "--config",
        str(run.work / "none.toml"),
        "--presses",
        str(presses),
    )
    bare = run.child("keys", "--bare", "--presses", str(presses))
    skipped = _failed(kara)
    baseline = None if _failed(bare) else statistics.median(bare["times"])
    if not skipped:
        times = sorted(kara["times"])
        run.say(
            f"next week (`]`), {len(times)} presses: median {statistics.median(times) * 1000:.1f} ms, "
            f"p90 {times[int(len(times) * 0.9) - 1] * 1000:.1f} ms, max {times[-1] * 1000:.1f} ms"
        )
        if not kara.get("screen_changed"):
            run.say("WARNING: pressing ] did not change the screen; the figure measures nothing")
    return [
        Row(
            "key `]` to next week drawn, median",
            None if skipped else statistics.median(kara["times"]),
            "s",
            baseline=baseline,
            baseline_label="DataTable cursor move",
            target="< 50 ms",
            check=lambda v, _r: v < 0.050,
            skipped=skipped,
        )
    ]


def bench_cli(run: Run) -> list[Row]:
    db = _practice_for_ui(run)
    url = f"sqlite:///{db}"
    config = str(run.work / "none.toml")
    monday = run.today - timedelta(days=run.today.weekday())
    cmd = [
        *kara_tui_cmd(), "--db", url, "--config", config, "sessions", "list",
        "--from", monday.isoformat(), "--to", (monday + timedelta(days=7)).isoformat(), "--json",
    ]  # fmt: skip
    (bases, karas), skipped = alternating(
        3 if run.quick else 5,
        [lambda: run.timed([sys.executable, "-c", "pass"]), lambda: run.timed(cmd)],
        lambda timed: _exit_said(timed[-1]),
    )
    base_times = [seconds for seconds, _ in bases]
    kara_times = [seconds for seconds, _ in karas]
    if not skipped:
        proc = karas[-1][-1]
        try:
            count = len(json.loads(proc.stdout))
            run.say(f"sessions list --json for the week of {monday}: {count} sessions")
        except ValueError:
            run.say("WARNING: sessions list --json did not print JSON")
    return [
        Row(
            "`kara-tui sessions list --json`, one week, 10k-session DB, median",
            None if skipped else statistics.median(kara_times),
            "s",
            baseline=statistics.median(base_times),
            baseline_label="`python -c pass`",
            target="",
            check=None,
            skipped=skipped,
        )
    ]


# -- feeds as providers write them (issue 19) ----------------------------------------------------

PROVIDER_SEEDS = (1, 2, 3)
PROVIDER_SIZES = (1_000, 10_000)  # the machine is shared: 100k only in `growth`
CALCURSE_TIMEOUT = 300.0  # seconds; calcurse's import grows faster than linear


def _seeded_feed(run: Run, events: int, mode: str, seed: int, *, changed: bool = False) -> Path:
    edit = "changed-" if changed else ""
    path = run.cache / f"feed-{mode}-{events}-seed{seed}-{edit}{run.today}-{run._key()}.ics"
    if not path.exists():
        cmd = [sys.executable, "-m", "benchmarks.generate", "feed", "--events", str(events)]
        cmd += ["--mode", mode, "--seed", str(seed), "--today", run.today.isoformat()]
        seconds, proc = run.timed([*cmd, "--out", str(path)] + (["--changed"] if changed else []))
        if proc.returncode != 0:
            raise RuntimeError(f"generating {path.name} failed: {proc.stderr.strip()}")
        run.say(f"generated {path.name}: {path.stat().st_size / 1e6:.1f} MB in {seconds:.1f} s")
    return path


def calcurse_import(run: Run, feed: Path, folder: Path) -> tuple[float | None, str]:
    """`calcurse -i FILE` into an empty folder, whole process: (seconds or None, a note).

    calcurse exits 1 when it skipped items it cannot represent (an RRULE whose first
    instance is not DTSTART, ...) after importing the rest: that run counts, and the note
    says how many it skipped."""
    calcurse = shutil.which("calcurse")
    if calcurse is None:
        return None, "unavailable: calcurse not installed (make bench apt-installs it)"
    folder.mkdir(parents=True, exist_ok=True)
    cmd = [calcurse, "-D", str(folder), "-C", str(folder), "-q", "-i", str(feed)]
    try:
        seconds, proc = run.timed(cmd, timeout=CALCURSE_TIMEOUT, cwd=folder)
    except subprocess.TimeoutExpired:
        return None, f"not run: > {CALCURSE_TIMEOUT / 60:.0f} min"
    out = proc.stdout + proc.stderr
    log = re.search(r"See (\S+) for details", out)
    skipped = 0
    if log and Path(log.group(1)).exists():
        skipped = Path(log.group(1)).read_text(errors="replace").count("VEVENT [")
        Path(log.group(1)).unlink()
    if proc.returncode not in (0, 1) or not (folder / "apts").exists():
        return None, f"unavailable: calcurse exit {proc.returncode}"
    return seconds, f"calcurse skipped {skipped} VEVENTs it cannot represent" if skipped else ""


def _whole_process_baseline(run: Run, feed: Path) -> tuple[float | None, dict[str, Any]]:
    """The plain pipeline as a whole process (its wall clock) and its in-process figures."""
    cmd = [sys.executable, "-m", "benchmarks._child", "baseline", str(feed), *run.feed_args()]
    seconds, proc = run.timed(cmd)
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(MARK):
            return seconds, dict(json.loads(line[len(MARK) :]))
    return None, {"error": (proc.stderr.strip().splitlines() or ["failed"])[-1]}


def _kara_sync(run: Run, feed: Path, name: str) -> tuple[float | None, float | None, str]:
    """Whole-process `feeds add` + cold `feeds sync` (best of --repeat, each into a fresh
    database), then the unchanged sync (best of 3)."""
    config = run.work / "bench.toml"  # a 100k feed is above the default 20 MB fetch cap
    config.write_text("fetch_max_bytes = 200000000\nfetch_deadline_seconds = 600\n")
    colds: list[float] = []
    for _ in range(run.repeat):
        db = run.work / f"{name}.db"
        for leftover in run.work.glob(f"{db.name}*"):
            leftover.unlink()
        base = [*kara_tui_cmd(), "--db", f"sqlite:///{db}", "--config", str(config)]
        # The sync window is in the practice's zone (a new practice's is UTC): the baseline's.
        run.timed([*base, "settings", "set", "timezone", TZ])
        _, proc = run.timed([*base, "feeds", "add", "Bench", str(feed)])
        cold, synced = run.timed([*base, "feeds", "sync"])
        if proc.returncode != 0 or synced.returncode != 0:
            why = ((proc.stderr or synced.stderr).strip().splitlines() or ["failed"])[-1]
            return None, None, why
        said = (synced.stdout.strip().splitlines() or ["nothing said"])[0]
        if " added, " not in said:  # refused (a feed's limits), not imported: no figure
            return None, None, f"refused: {said}"
        colds.append(cold)
    unchanged = min(run.timed([*base, "feeds", "sync"])[0] for _ in range(3))
    return min(colds), unchanged, synced.stdout.strip().splitlines()[0]


def provider_rows(run: Run, n: int, mode: str, seed: int, python: float) -> list[Row]:
    """Every issue-19 target for one feed, each beside its baseline of this run."""
    feed = _seeded_feed(run, n, mode, seed)
    edited = _seeded_feed(run, n, mode, seed, changed=True)
    label = f"{n // 1000}k {mode} feed, seed {seed}"
    key = f"{mode}-{n}-{seed}"
    cold, unchanged, said = _kara_sync(run, feed, key)
    if cold is None:
        return [Row(f"cold `feeds sync`, {label}", None, "s", skipped=said)]
    run.say(f"{label}: {said}")
    karas = [
        run.child(
            "kara",
            str(feed),
            *run.feed_args(),
            "--work",
            str(run.work / key),
            "--changed",
            str(edited),
        )
        for _ in range(run.repeat)
    ]
    kara = min(karas, key=lambda k: k.get("cold", float("inf")))
    plains = [_whole_process_baseline(run, feed) for _ in range(run.repeat)]
    plain, base = min(plains, key=lambda b: b[0] if b[0] is not None else float("inf"))
    calcs = [
        calcurse_import(run, feed, run.work / f"calcurse-{key}-{i}") for i in range(run.repeat)
    ]
    calc, calc_note = min(calcs, key=lambda c: c[0] if c[0] is not None else float("inf"))
    if calc_note:
        run.say(f"{label}: {calc_note}")
    if not _failed(base):
        run.say(
            f"{label}: plain pipeline parse {base['parse']:.2f} s + expand {base['expand']:.2f} s"
            f", {base['occurrences']} occurrences, whole process {plain:.2f} s"
        )
    skipped = _failed(kara)
    if not skipped:
        runs = ", ".join(f"{s * 1000:.0f}" for s in kara["changed_runs"])
        agree = "" if kara.get("changed_reports_agree") else " (NOT every one 1 updated!)"
        run.say(
            f"{label}: service cold {kara['cold']:.2f} s, {kara['stored']} stored, peak "
            f"{kara['rss_mb']:.0f} MB; one changed (ms): {runs}{agree}"
        )
    service = None if skipped else kara["cold"]
    quarter = lambda _v, r: r is not None and r <= 0.25  # noqa: E731
    return [
        Row(
            f"cold `feeds sync`, {label}, whole process",
            cold,
            "s",
            baseline=calc,
            baseline_label="`calcurse -i`",
            target="faster",
            check=(lambda _v, r: r is not None and r < 1) if calc else None,
            skipped="",
            note=calc_note,
        ),
        Row(
            f"cold import, {label} (service)",
            service,
            "s",
            baseline=base.get("seconds"),
            baseline_label="icalendar + recurring-ical-events",
            target="≤ 1/4",
            check=quarter,
            skipped=f"skipped: {skipped}" if skipped else "",
        ),
        # Reported as issue 19 asks (item 1: whole process beside the plain pipeline); its
        # targets (item 2) are the whole process against `calcurse -i` and the service import
        # against the plain pipeline (the row above). At 1k events this ratio is mostly Python
        # and the two sides' imports, which a small feed cannot amortise (the imports row).
        Row(
            f"cold `feeds sync`, {label}, whole process vs the plain pipeline's",
            cold,
            "s",
            baseline=plain,
            baseline_label="icalendar + recurring-ical-events, whole process",
        ),
        Row(
            f"re-sync after one changed event, {label} (median of 7)",
            None if skipped else kara["changed"],
            "s",
            baseline=service,
            baseline_label="cold import (service)",
            target="≤ 10 %",
            check=lambda _v, r: r is not None and r <= 0.10,
            skipped=f"skipped: {skipped}" if skipped else "",
        ),
        Row(
            f"unchanged `feeds sync`, {label}, whole process, best of 3",
            unchanged,
            "s",
            baseline=python,
            baseline_label="`python -c pass`",
            target="≤ 350 ms",
            check=lambda v, _r: v <= 0.35,
        ),
    ]


# What a cold `feeds sync` of a fast-path feed loads (cli/feeds.py feeds_sync): the command,
# the unchanged check and the first sync; not services.feeds (SQLAlchemy), which it never reaches.
IMPORTS_OURS = (
    "import kara_tui.cli, kara_tui.cli.feeds, kara_tui.services.feed_quick,"
    " kara_tui.services.feed_cold"
)
IMPORTS_PLAIN = "import icalendar, recurring_ical_events"


def bench_providers(run: Run) -> list[Row]:
    """Provider-shaped feeds (seeds 1-3) and birthdays calendars at 1k and 10k events, each
    beside `calcurse -i`, the plain icalendar + recurring-ical-events pipeline (in process
    and as a whole process) and `python -c pass`, all measured in this run."""
    first = len(run.details)
    # `python -c pass`, and the fixed costs a small feed cannot amortise: each side's imports,
    # nothing run.
    (pythons, ours_runs, theirs_runs), _ = alternating(
        3,
        [
            lambda: run.timed([sys.executable, "-c", "pass"])[0],
            lambda: run.timed([sys.executable, "-c", IMPORTS_OURS])[0],
            lambda: run.timed([sys.executable, "-c", IMPORTS_PLAIN])[0],
        ],
    )
    python, ours, theirs = min(pythons), min(ours_runs), min(theirs_runs)
    run.say(f"`python -c pass`: {python * 1000:.1f} ms (best of 3)")
    rows: list[Row] = [
        Row(
            "imports of a cold `feeds sync` alone, whole process, best of 3",
            ours,
            "s",
            baseline=theirs,
            baseline_label="the plain pipeline's imports alone",
        )
    ]
    for n in run.sizes or PROVIDER_SIZES:
        for mode in ("providers", "birthdays"):
            for seed in PROVIDER_SEEDS:
                rows += provider_rows(run, n, mode, seed, python)
    judged = [r for r in rows if r.status in ("MET", "NOT MET")]
    run.sections[PROVIDERS_HEAD] = [
        f"{run_header(run)} {sum(r.status == 'MET' for r in judged)} of {len(judged)} targets met.",
        "",
        *table_lines(rows, markdown=True),
        "",
        *(f"- {d}" for d in run.details[first:]),
    ]
    return rows


GROWTH_SIZES = (1_000, 10_000, 100_000)
PLAIN_MAX_EVENTS = 10_000  # the plain pipeline at 100k takes minutes and GBs on a shared machine


def bench_growth(run: Run) -> list[Row]:
    """Cold and unchanged whole-process `feeds sync` of the seed-1 providers feed at 1k, 10k
    and 100k events, per event, beside calcurse and the plain pipeline of this run."""
    first = len(run.details)
    python = min(run.timed([sys.executable, "-c", "pass"])[0] for _ in range(3))
    rows: list[Row] = []
    table = [
        f"{run_header(run)} `python -c pass` {python * 1000:.1f} ms. "
        "Seed-1 `providers` feeds, horizon 90 days back and 365 ahead; every figure a whole "
        "process except the peak memory (the service import in a fresh interpreter).",
        "",
        "| events | MB | occurrences | cold `feeds sync` | per event | cold import (service) "
        "| per event | unchanged sync | per event | peak memory | `calcurse -i` | per event "
        "| plain pipeline | per event |",
        "|" + "---|" * 14,
    ]
    per = lambda v, n: f"{v / n * 1e6:.0f} µs" if v is not None else "—"  # noqa: E731
    sec = lambda v, note="—": f"{v:.2f} s" if v is not None else note  # noqa: E731
    for n in run.sizes or GROWTH_SIZES:
        feed = _seeded_feed(run, n, "providers", 1)
        key = f"growth-{n}"
        cold, unchanged, said = _kara_sync(run, feed, key)
        run.say(f"growth {n}: {said}")
        refused = "refused" if cold is None else "—"
        kara = run.child(
            "kara",
            str(feed),
            *run.feed_args(),
            "--work",
            str(run.work / key),
            "--max-bytes",
            str(200_000_000),
            timeout=900,
        )
        imported = not _failed(kara) and bool(kara["cold_report"]["ok"])
        peak = float(kara["rss_mb"]) if imported else None
        service = float(kara["cold"]) if imported else None
        stored = f"{kara['stored']:,}" if imported else refused
        calc, calc_note = calcurse_import(run, feed, run.work / f"calcurse-{key}")
        plain = None
        if n <= PLAIN_MAX_EVENTS:
            plain = _whole_process_baseline(run, feed)[0]
        plain_note = "not run: minutes and GBs at 100k" if n > PLAIN_MAX_EVENTS else "failed"
        table.append(
            f"| {n:,} | {feed.stat().st_size / 1e6:.1f} | {stored} | {sec(cold, refused)} | "
            f"{per(cold, n)} | {sec(service, refused)} | {per(service, n)} | "
            f"{sec(unchanged, refused)} | {per(unchanged, n)} | "
            f"{f'{peak:.0f} MB' if peak else '—'} | {sec(calc, calc_note or '—')} | "
            f"{per(calc, n)} | {sec(plain, plain_note)} | {per(plain, n)} |"
        )
        rows.append(
            Row(
                f"growth: cold `feeds sync`, {n // 1000}k providers feed, per event",
                None if cold is None else round(cold / n * 1e6, 1),
                "µs",
            )
        )
        rows.append(
            Row(
                f"growth: cold import (service), {n // 1000}k providers feed, per event",
                None if service is None else round(service / n * 1e6, 1),
                "µs",
            )
        )
        rows.append(
            Row(
                f"growth: unchanged `feeds sync`, {n // 1000}k providers feed",
                unchanged,
                "s",
                baseline=python,
                baseline_label="`python -c pass`",
                target="≤ 350 ms",
                check=lambda v, _r: v <= 0.35,
            )
        )
        if n >= 100_000:
            rows.append(
                Row(
                    f"peak memory, {n // 1000}k providers feed import",
                    peak,
                    "MB",
                    target="< 400 MB",
                    check=lambda v, _r: v < 400,
                    skipped="" if peak else f"skipped: {_failed(kara) or said}",
                )
            )
    run.sections[GROWTH_HEAD] = [*table, "", *(f"- {d}" for d in run.details[first:])]
    return rows


def _cpu_timed(run: Run, cmd: list[str]) -> tuple[float, float, Any]:
    """Wall-clock and CPU (user + system) seconds of one child process: the CPU figure hardly
    moves with the load other users put on the shared machine; the wall clock does."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds, proc = run.timed(cmd)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return seconds, cpu, proc


def bench_agenda(run: Run) -> list[Row]:
    """`kara-tui agenda` as a login message runs it: the whole process, today (KARA_NOW)."""
    db = _practice_for_ui(run)
    cmd = [
        *kara_tui_cmd(), "--db", f"sqlite:///{db}", "--config", str(run.work / "none.toml"),
        "agenda", "--json",
    ]  # fmt: skip
    (bases, karas), skipped = alternating(
        5 if run.quick else 11,
        [lambda: _cpu_timed(run, [sys.executable, "-c", "pass"]), lambda: _cpu_timed(run, cmd)],
        lambda timed: _exit_said(timed[-1]),
    )
    # kara-tui, baseline
    wall = ([seconds for seconds, _, _ in karas], [seconds for seconds, _, _ in bases])
    cpu = ([used for _, used, _ in karas], [used for _, used, _ in bases])
    if not skipped:
        proc = karas[-1][-1]
        try:
            count = len(json.loads(proc.stdout)["sessions"])
            run.say(f"agenda --json for {run.today}: {count} sessions")
        except (ValueError, KeyError):
            run.say("WARNING: agenda --json did not print its JSON")
    return [
        Row(
            f"`kara-tui agenda --json`, 10k-session DB, median whole process ({label})",
            None if skipped else statistics.median(kara),
            "s",
            baseline=statistics.median(base),
            baseline_label="`python -c pass`",
            target="< 150 ms",
            check=lambda v, _r: v < 0.150,
            skipped=skipped,
        )
        for label, (kara, base) in (("wall clock", wall), ("CPU user+sys", cpu))
    ]


def bench_publish(run: Run) -> list[Row]:
    """Issue 18 item 5, in this process (Radicale is the other): see benchmarks/publish.py."""
    from benchmarks.publish import bench

    try:
        r = bench(run.work, run.now)
    except ImportError as exc:  # radicale or caldav not installed
        return [Row("publish to Radicale", None, "s", skipped=f"skipped: {exc}")]
    run.say(
        f"{r['events']} events; one change: {r['one_written']} written in "
        f"{r['one_requests']} requests; nothing changed: {r['none_requests']} requests"
    )
    plain = "plain `caldav` loop, a PUT per event"
    return [
        Row(
            f"publish {r['events']} sessions cold to a local Radicale",
            r["cold"],
            "s",
            baseline=r["baseline_cold"],
            baseline_label=plain,
            target="≤ 1x",
            check=lambda value, ratio: ratio is not None and ratio <= 1,
        ),
        Row(
            "publish run with one session changed",
            r["one"],
            "s",
            baseline=r["baseline_again"],
            baseline_label=plain + " (all again)",
            target="≤ 1/50",
            check=lambda value, ratio: ratio is not None and ratio <= 1 / 50,
        ),
        Row(
            "publish run with nothing changed: requests sent",
            float(r["none_requests"]),
            "requests",
            target="0",
            check=lambda value, ratio: value == 0,
        ),
    ]


BENCHMARKS: dict[str, Callable[[Run], list[Row]]] = {
    "import-history": lambda run: bench_import(run, "history"),
    "import-dense": lambda run: bench_import(run, "dense"),
    "memory": bench_memory,
    "startup": bench_startup,
    "keys": bench_keys,
    "cli": bench_cli,
    "providers": bench_providers,
    "agenda": bench_agenda,
    "publish": bench_publish,
    "growth": bench_growth,
}
ALIASES = {"import": ["import-history", "import-dense"], "ui": ["startup", "keys"]}


# -- main ---------------------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def git_commit() -> str:
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        return "unknown"
    return sha or "unknown"


def write_results(rows: list[Row], run: Run, seconds: float, load: tuple[float, float]) -> None:
    lines = [
        "# Benchmark results",
        "",
        "Reproduce with `make bench` (= `.venv/bin/python -m benchmarks`); one benchmark with",
        "`.venv/bin/python -m benchmarks NAME` (`--list` shows the names). Ratios compare figures",
        "measured in the same run; absolute times depend on the machine and its load.",
        "",
        f"- run: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {git_commit()}, {seconds / 60:.1f} min",
        f"- machine: {machine()}; load average {load[0]:.1f} at start, {load[1]:.1f} at end"
        " (shared with other work: expect noise)",
        f"- feeds: {run.events} events (70 % timed with VTIMEZONEs, 20 % weekly series with EXDATE"
        " and overrides, 10 % all-day), horizon 90 days back and 365 ahead of "
        f"{run.today}; memory: {run.memory_events} events",
        "",
        *table_lines(rows, markdown=True),
        "",
        *(line for head in SECTIONS for line in section(head, run.sections.get(head, []))),
        "## Details",
        "",
        *(f"- {d}" for d in run.details),
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")


GROWTH_HEAD = "## Growth (issue 19 item 4)"
PROVIDERS_HEAD = "## Feeds as providers write them (issue 19)"
SECTIONS = (PROVIDERS_HEAD, GROWTH_HEAD)  # kept from the last run that had them


def section(head: str, lines: list[str]) -> list[str]:
    """This run's section, or the one RESULTS.md already has (growth needs a 100k run)."""
    if not lines and RESULTS.exists():
        old = RESULTS.read_text(encoding="utf-8")
        if head in old:
            body = old.split(head, 1)[1].split("\n## ", 1)[0]
            return [head, *body.strip("\n").splitlines(), ""]
    return [head, "", *lines, ""] if lines else []


def write_sections(sections: dict[str, list[str]]) -> None:
    """Replace (or add) this run's sections of RESULTS.md, leaving the rest as it is."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    for head, lines in sections.items():
        new = "\n".join(section(head, lines))
        if head in text:
            before, rest = text.split(head, 1)
            after = rest.split("\n## ", 1)
            text = before + new + ("\n## " + after[1] if len(after) > 1 else "\n")
        else:
            top, sep, details = text.partition("## Details")
            text = top + new + "\n" + sep + details
    RESULTS.write_text(text, encoding="utf-8")


def run_header(run: Run) -> str:
    return (
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {git_commit()}, {machine()}, "
        f"load average {os.getloadavg()[0]:.1f}."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.split("\n")[0]
    )
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks")
    parser.add_argument("--quick", action="store_true", help="fewer rounds (start-up, keys, cli)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each import (best kept)")
    parser.add_argument(
        "--full", action="store_true", help="also the icalendar baseline at 100k (minutes)"
    )
    parser.add_argument(
        "--profile", action="store_true", help="also profile the cold imports with py-spy"
    )
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--memory-events", type=int, default=100_000)
    parser.add_argument(
        "--sizes",
        type=lambda v: tuple(int(x) for x in v.split(",")),
        default=(),
        help="feed sizes for providers (default 1000,10000) and growth (1000,10000,100000)",
    )
    parser.add_argument("--today", type=date.fromisoformat, default=None)
    parser.add_argument("--no-write", action="store_true", help="do not write RESULTS.md")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args(argv)
    if args.list:
        for name in BENCHMARKS:
            print(name)
        print("aliases: " + ", ".join(f"{a} = {' + '.join(v)}" for a, v in ALIASES.items()))
        return 0
    names: list[str] = []
    for name in args.names or list(BENCHMARKS):
        for real in ALIASES.get(name, [name]):
            if real not in BENCHMARKS:
                parser.error(f"unknown benchmark {name!r} (see --list)")
            if real not in names:
                names.append(real)

    today = args.today or date.today()
    cache = Path(tempfile.gettempdir()) / "kara-tui-bench"
    cache.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="work-", dir=cache))
    run = Run(
        cache=cache,
        work=work,
        today=today,
        now=datetime.combine(today, dtime(12), UTC),
        repeat=max(1, args.repeat),
        quick=args.quick,
        full=args.full,
        profile=args.profile,
        events=args.events,
        memory_events=args.memory_events,
        sizes=args.sizes,
    )
    # An installed kara-tui has its bytecode compiled (pip does it), as Textual's is in the
    # bare app's site-packages; a checkout run with PYTHONDONTWRITEBYTECODE=1 would compile
    # every module of src/ again at each start and the start-up ratio would measure that.
    compileall.compile_dir(ROOT / "src", quiet=1)
    load_start = os.getloadavg()[0]
    started = time.perf_counter()
    print(f"kara-tui benchmarks on {machine()}; load {load_start:.1f}", flush=True)
    rows: list[Row] = []
    try:
        for name in names:
            print(f"\n== {name}", flush=True)
            t0 = time.perf_counter()
            try:
                new = BENCHMARKS[name](run)
            except Exception as exc:  # one broken benchmark must not hide the others
                new = [Row(name, None, "s", skipped=f"failed: {type(exc).__name__}: {exc}")]
            for row in new:
                print(
                    f"  -> {row.figure}: {row.skipped or fmt(row.value, row.unit)} [{row.status}]",
                    flush=True,
                )
            print(f"  ({time.perf_counter() - t0:.0f} s)", flush=True)
            rows += new
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    elapsed = time.perf_counter() - started
    print()
    print("\n".join(table_lines(rows, markdown=False)))
    met = sum(r.status == "MET" for r in rows)
    judged = sum(r.status in ("MET", "NOT MET") for r in rows)
    print(f"\n{met} of {judged} targets met; {elapsed / 60:.1f} min")
    if not args.no_write and names == list(BENCHMARKS):
        write_results(rows, run, elapsed, (load_start, os.getloadavg()[0]))
        print(f"wrote {RESULTS.relative_to(ROOT)}")
    elif not args.no_write and run.sections:
        write_sections(run.sections)
        print(f"wrote {', '.join(run.sections)} into {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
