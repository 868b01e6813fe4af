#!/usr/bin/env bash
# The whole benchmark of issue 9 (see bench/README.md). Each phase holds the build lock on its own,
# so no compile overlaps a measurement and no lock is held for more than ~10 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
LOCK=/tmp/izdeu-build.lock
flock "$LOCK" scripts/build release
python3 bench/run_bench.py --phase setup "$@"
flock "$LOCK" python3 bench/run_bench.py --phase snapshot "$@"
for p in index jsonl peers query analyzer scaling shards profile rerun; do
  flock "$LOCK" python3 bench/run_bench.py --phase "$p" "$@"
done
python3 bench/run_bench.py --write-md "$@"
