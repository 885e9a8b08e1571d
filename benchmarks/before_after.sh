#!/bin/bash
# The same benches from two checkouts in one run (before, after, before, after), so that a
# change's cost is read from figures measured side by side. Each tree runs its own harness
# with its own .venv (`make .venv/.installed` in each first).
# usage: benchmarks/before_after.sh BEFORE_TREE AFTER_TREE [OUTDIR] [BENCH ...]
set -eu
before=$1; after=$2; out=${3:-/tmp/before-after}; shift $(($# < 3 ? $# : 3))
names=${*:-import-history import-dense memory startup keys cli}
mkdir -p "$out"
for round in 1 2; do
  for side in before after; do
    if [ "$side" = before ]; then tree=$before; else tree=$after; fi
    echo "== round $round $side $(git -C "$tree" rev-parse --short HEAD) $(date -u +%H:%M:%S)" \
      "load $(cut -d' ' -f1 /proc/loadavg)"
    # shellcheck disable=SC2086  # the bench names are words
    (cd "$tree" && .venv/bin/python -m benchmarks --no-write $names) > "$out/$side-$round.txt" 2>&1
    grep -E "^(cold import|\`kara-tui|re-sync|peak memory|calendar start-up|key )" \
      "$out/$side-$round.txt" || true
  done
done
