#!/bin/bash
# The watch benchmark (issue 21): 100 watches over the benchmark corpus's index after a 1%
# update, whole-process wall time. Run it under the machine lock: /work/cpu bench/watch_bench.sh
# Needs the corpus (../shared/bench/make_corpus.sh) and built binaries (BIN, default build/release).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${BIN:-$here/build/release}
corpus=${CORPUS:-$HOME/.cache/izdeu-bench}
work=${WORK:-$HOME/.cache/izdeu-bench/watch-run}
rm -rf "$work" && mkdir -p "$work" && cd "$work"
cp -al "$corpus/corpus/txt" txt     # hard links: the update adds files, never edits the corpus
python3 - "$corpus/queries.tsv" <<'PY'
# 100 watches drawn from the benchmark queries (single terms, word pairs and triples, phrases).
import random, sys
random.seed(21)
lines = [l.rstrip("\n").split("\t", 1) for l in open(sys.argv[1], encoding="utf-8")]
with open("watches", "w", encoding="utf-8") as f:
    for i, (kind, q) in enumerate(random.sample(lines, 100)):
        f.write(f"w{i:03d}-{kind} = {q}\n")
PY
W=("$bin/watch/izdeu-watch" --db db --watches watches --state state/watches.state)
/usr/bin/time -f "full build %e s" "$bin/indexer/izdeu-index" --db db --rebuild --quiet txt
/usr/bin/time -f "first run (no marks) %e s wall, %M KB" "${W[@]}" --format json >first.jsonl || true
python3 - <<'PY'
# The 1% update: new articles (copies of random ones under new names, with a sentence added so
# they are not duplicates).
import glob, os, random
random.seed(2121)
files = sorted(glob.glob("txt/*/*.txt"))
os.makedirs("txt/new", exist_ok=True)
for i, path in enumerate(random.sample(files, len(files) // 100)):
    text = open(path, encoding="utf-8", errors="replace").read()
    with open(f"txt/new/{i:06d}.txt", "w", encoding="utf-8") as f:
        f.write(text + f"\nUpdate {i}: this copy arrived later.\n")
PY
/usr/bin/time -f "1%% update %e s" "$bin/indexer/izdeu-index" --db db --quiet txt
"${W[@]}" --no-mark >/dev/null || true   # warm the page cache
for i in 1 2 3 4 5; do /usr/bin/time -f "after the update (preview $i) %e s wall, %M KB" "${W[@]}" --no-mark >/dev/null || true; done
/usr/bin/time -f "after the update (real run) %e s wall, %M KB" "${W[@]}" --format json >second.jsonl || true
echo "hits after the update: $(grep -c '"type":"hit"' second.jsonl), of which new: $(grep -c '"id":"new/' second.jsonl)"
/usr/bin/time -f "nothing new %e s wall" "${W[@]}" >/dev/null || true
