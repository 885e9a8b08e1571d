"""kara-tui's performance suite: `make bench` (= `python -m benchmarks`); never part of `make test`."""
