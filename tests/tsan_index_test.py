#!/usr/bin/env python3
"""Runs a ThreadSanitizer build of izdeu-index with several worker threads (--jobs 2, and a
hash-sharded index whose shards are written by their own threads, and a rebuild written as
parallel parts) on corpus/ plus generated
articles, re-runs it after edits and deletions, then runs izdeu-query --batch with sessions side
by side (--jobs 3) on both indexes, and fails on any TSan report or an output that differs from
one session's. Registered in ctest
only for the tsan build (scripts/build tsan).

    TSAN_OPTIONS=halt_on_error=1 python3 tests/tsan_index_test.py --bin-dir build/tsan --source-dir .
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin-dir", required=True)
    parser.add_argument("--source-dir", required=True)
    args = parser.parse_args()
    index = os.path.join(os.path.abspath(args.bin_dir), "indexer", "izdeu-index")
    work = tempfile.mkdtemp(prefix="izdeu-tsan-")
    env = dict(os.environ)
    env.setdefault("TSAN_OPTIONS", "halt_on_error=1")
    env.pop("IZDEU_DB", None)
    failures = []
    try:
        corpus = os.path.join(work, "corpus")
        shutil.copytree(os.path.join(args.source_dir, "corpus"), os.path.join(corpus, "sample"))
        for i in range(300):
            path = os.path.join(corpus, "gen", f"{i:04d}.txt")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(f"Article {i}\n\nArticle {i}\nPhoto: Akorda 01.02.2024 10:00 5\n\n"
                        f"The senate met about topic{i} and the budget.\n")

        def run(*extra, db):
            r = subprocess.run([index, "--db", db, "--jobs", "2", "--commit-every", "40", *extra, corpus],
                               capture_output=True, text=True, errors="replace", env=env, timeout=600)
            label = " ".join(extra) or "default"
            if r.returncode not in (0,) or "ThreadSanitizer" in r.stderr:
                failures.append(f"{label} on {os.path.basename(db)}: exit {r.returncode}\n{r.stderr[-6000:]}")
            else:
                print(f"tsan_index_test: {label} on {os.path.basename(db)}: clean")

        run(db=os.path.join(work, "single"))
        run("--rebuild", "--shards", "3", db=os.path.join(work, "sharded"))
        # A rebuild of the single layout: parts written by their own threads, then merged.
        run("--rebuild", db=os.path.join(work, "single"))
        # Edits and deletions: the incremental path, stale-document deletion and file state.
        for i in range(0, 300, 3):
            with open(os.path.join(corpus, "gen", f"{i:04d}.txt"), "a", encoding="utf-8") as f:
                f.write("An edited paragraph.\n")
        for i in range(1, 300, 10):
            os.remove(os.path.join(corpus, "gen", f"{i:04d}.txt"))
        run(db=os.path.join(work, "single"))
        run(db=os.path.join(work, "sharded"))

        # izdeu-query --batch --jobs: sessions side by side, answers written in input order.
        query = os.path.join(os.path.abspath(args.bin_dir), "query", "izdeu-query")
        batch = os.path.join(work, "queries.tsv")
        with open(batch, "w", encoding="utf-8") as f:
            for i in range(200):
                f.write(f"q{i}\t{['senate budget', 'topic%d' % i, 'суд', 'edited NEAR/3 paragraph', '(bad'][i % 5]}\n")
        for db in ("single", "sharded"):
            outputs = []
            for jobs in ("1", "3"):
                r = subprocess.run([query, "--db", os.path.join(work, db), "--batch", batch, "--format", "trec",
                                    "--jobs", jobs], capture_output=True, text=True, errors="replace", env=env,
                                   timeout=600)
                if r.returncode != 2 or "ThreadSanitizer" in r.stderr:
                    failures.append(f"query --jobs {jobs} on {db}: exit {r.returncode}\n{r.stderr[-6000:]}")
                outputs.append((r.stdout, r.stderr))
            if outputs[0] != outputs[1]:
                failures.append(f"query --jobs 3 on {db}: output differs from --jobs 1")
            else:
                print(f"tsan_index_test: query --batch --jobs 3 on {db}: clean, same output as --jobs 1")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for f in failures:
        print("tsan_index_test: FAILED " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
