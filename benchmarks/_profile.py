"""Summarise a py-spy profile (``py-spy record -f raw``): where the time goes, by function.

py-spy samples from outside the process, so it needs no tracing hook: the feed parser's
Watchdog (PyThreadState_SetAsyncExc) and in-process profilers such as cProfile do not mix.

    python -m benchmarks._profile FILE.raw [--top 30] [--under parse_feed]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^():]+)(?::\d+)?\)$")


def _name(frame: str) -> str:
    match = _FRAME.match(frame)
    if not match:
        return frame
    path = match.group("file")
    for marker in ("site-packages/", "src/", "lib/python3.11/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{match.group('func')} ({path})"


def _matches(frame: str, func: str) -> bool:
    name = frame.split(" (", 1)[0]
    return name == func or name.endswith("." + func)


def summarise(raw: str, *, top: int = 30, under: str | None = None) -> str:
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        frames = [_name(f) for f in stack.split(";")]
        if under is not None:
            cut = next((i for i, f in enumerate(frames) if _matches(f, under)), None)
            if cut is None:
                continue
            frames = frames[cut:]
        count = int(count_text)
        total += count
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    if not total:
        return "no samples" + (f" under {under}" if under else "")
    out = [f"{total} samples" + (f" under {under}" if under else "")]
    out.append("\ninclusive (the function and what it calls):")
    out += [f"  {n / total:6.1%}  {f}" for f, n in inclusive.most_common(top)]
    out.append("\nself (the function's own code):")
    out += [f"  {n / total:6.1%}  {f}" for f, n in own.most_common(top)]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks._profile")
    parser.add_argument("file", type=Path)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--under", help="only samples below this function (e.g. parse_feed)")
    args = parser.parse_args(argv)
    print(summarise(args.file.read_text(encoding="utf-8"), top=args.top, under=args.under))
    return 0


if __name__ == "__main__":
    sys.exit(main())
