"""Real processes: a writer killed with SIGKILL loses nothing it reported; two writers at once."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from kara_tui.db.engine import make_engine
from kara_tui.db.rows import AuditRow, SessionRow
from kara_tui.services.practice import Practice

CHILD = Path(__file__).with_name("writer_child.py")
BUSY = "the database is busy (another kara-tui is writing to it); nothing was changed, try again"


def _child(db_url: str, count: int, offset: int, go: Path | None = None) -> subprocess.Popen:
    args = [sys.executable, str(CHILD), db_url, "1", str(count), str(offset)]
    if go is not None:
        args.append(str(go))
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _stored(engine) -> tuple[set[int], set[int]]:
    """Session ids, and the ids the audit trail says were booked."""
    with engine.connect() as conn:
        sessions = set(conn.scalars(select(SessionRow.id)))
        booked = set(
            conn.scalars(
                select(AuditRow.entity_id).where(
                    AuditRow.entity == "session", AuditRow.action == "book"
                )
            )
        )
    return sessions, booked


def _check(engine) -> None:
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_nothing_reported(practice: Practice, engine, db_url):
    practice.add_client("Anna Smith")
    seed = int(os.environ.get("KARA_CRASH_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    reported: list[int] = []
    zygote = subprocess.Popen(
        [sys.executable, str(CHILD), "--zygote", db_url, "1"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert zygote.stdin is not None and zygote.stdout is not None
    try:
        for round_ in range(20):
            zygote.stdin.write(f"{round_}\n")
            zygote.stdin.flush()
            pid_line = zygote.stdout.readline()
            assert pid_line.startswith("pid "), (seed, pid_line)
            first = zygote.stdout.readline()  # it is inside the loop, committing
            assert first.strip().isdigit(), (seed, first)
            time.sleep(rng.uniform(0, 0.1))
            os.kill(int(pid_line.split()[1]), signal.SIGKILL)
            ids = [int(first)]
            for line in zygote.stdout:  # everything it printed before it died
                if line.startswith("exit "):
                    assert os.WIFSIGNALED(int(line.split()[1])), (seed, line)
                    break
                ids.append(int(line))
            reported += ids
    finally:
        zygote.stdin.close()
        zygote.wait(timeout=10)

    engine.dispose()
    check = make_engine(db_url)
    _check(check)
    sessions, booked = _stored(check)
    missing = set(reported) - sessions
    assert not missing, f"seed {seed}: reported but lost: {sorted(missing)[:10]}"
    assert sessions == booked, f"seed {seed}: a session without its audit event, or the reverse"
    assert len(reported) >= 20
    # The database still takes writes after all that.
    Practice(check, practice.clock).add_client("After the crashes")
    check.dispose()


@pytest.mark.slow
def test_two_processes_writing_at_once(practice: Practice, engine, db_url, tmp_path: Path):
    practice.add_client("Anna Smith")
    go = tmp_path / "go"
    children = [_child(db_url, 30, offset, go) for offset in (0, 1)]
    time.sleep(0.2)
    go.touch()
    results = [c.communicate(timeout=60) for c in children]
    reported: list[int] = []
    for child, (out, err) in zip(children, results, strict=True):
        reported += [int(x) for x in out.split()]
        if child.returncode == 0:
            assert err == ""
        else:  # the loser may give up, but only with the clear message
            assert (child.returncode, err) == (3, BUSY + "\n")
    assert len(reported) == len(set(reported))
    assert any(c.returncode == 0 for c in children)
    _check(engine)
    sessions, booked = _stored(engine)
    assert set(reported) <= sessions
    assert sessions == booked
    if all(c.returncode == 0 for c in children):
        assert len(sessions) == 60


@pytest.mark.slow
def test_two_cli_processes_writing_at_once(practice: Practice, engine, db_url, tmp_path: Path):
    """The real command, twice in parallel, each booking several sessions in a row."""
    practice.add_client("Anna Smith")
    env = {
        **os.environ,
        "KARA_DB": db_url,
        "KARA_NOW": "2026-11-16T08:00:00+00:00",
        "KARA_CONFIG": str(tmp_path / "config.toml"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    exe = Path(sys.executable).with_name("kara-tui")
    script = (
        'for i in 0 1 2; do "$0" sessions add --client "Anna Smith" '
        '--start "2027-01-0$1 1$i:00" --force || exit $?; done'
    )
    procs = [
        subprocess.Popen(
            ["sh", "-c", script, str(exe), str(day)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for day in (4, 5)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    reported: list[int] = []
    for proc, (out, err) in zip(procs, outputs, strict=True):
        reported += [int(x) for x in out.split()]
        if proc.returncode:
            assert err == f"kara-tui: {BUSY}\n"
        else:
            assert err == ""
    _check(engine)
    sessions, _ = _stored(engine)
    assert set(reported) <= sessions
    assert len(reported) == len(sessions)
