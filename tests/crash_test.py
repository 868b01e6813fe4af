#!/usr/bin/env python3
"""Crash trials: izdeu-index is killed at random moments while it indexes a few thousand
articles, and the database must stay whole and converge.

Each article has a word no other article has ("uniqword0001" style, plus a version letter when
it is edited). A trial changes the corpus (edits, deletions, additions), starts
`izdeu-index --commit-every 50`, sends SIGKILL, SIGTERM or SIGINT after a random delay, then
checks:

  - xapian-check passes and `izdeu-index --stats=json` opens the database;
  - after SIGTERM/SIGINT: exit code 143/130 (or 0/1 when the run finished first), and the
    database is at a commit point: no article is found both by its old and its new word;
  - a normal re-run exits 0, and then every article on disk is found by its word exactly once,
    as itself; no word of a deleted file or of an article's earlier version is found; the
    document count equals the number of articles on disk.

    python3 tests/crash_test.py --bin-dir build/ci --trials 3 --seed 7
"""
import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ARTICLE = """{title}

{title}
Photo: Akorda 01.02.2024 10:00 5

{body}
"""

FILLER = ("the senate discussed the budget and the court heard the appeal while the ministry "
          "prepared a report on roads schools and hospitals in the regions").split()

SIGNALS = {"KILL": signal.SIGKILL, "TERM": signal.SIGTERM, "INT": signal.SIGINT}


class TrialFailure(Exception):
    pass


class Corpus:
    """The articles on disk and the words that must (and must no longer) be found."""

    def __init__(self, root, rng):
        self.root = root
        self.rng = rng
        self.version = {}     # relative path -> current version number
        self.next_serial = 0
        self.serial = {}      # relative path -> serial number (fixed for the file's life)
        self.dead_words = set()
        os.makedirs(root, exist_ok=True)

    @staticmethod
    def word(serial, version):
        # Digits keep the word out of every stemmer; the version letters make an edit's word new.
        return "uniqword%05d%s" % (serial, "v" * version)

    def current_word(self, rel):
        return self.word(self.serial[rel], self.version[rel])

    def _write(self, rel):
        words = [self.rng.choice(FILLER) for _ in range(self.rng.randint(20, 60))]
        words.insert(self.rng.randint(0, len(words)), self.current_word(rel))
        title = "Report number %d" % self.serial[rel]
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(ARTICLE.format(title=title, body=" ".join(words) + "."))
        # A new mtime even when the clock is coarse, so the indexer sees the edit.
        stamp = time.time() + self.version[rel]
        os.utime(path, (stamp, stamp))

    def add(self, count):
        for _ in range(count):
            serial = self.next_serial
            self.next_serial += 1
            rel = "d%02d/a%05d.txt" % (serial % 37, serial)
            self.serial[rel] = serial
            self.version[rel] = 0
            self._write(rel)

    def edit(self, count):
        for rel in self.rng.sample(sorted(self.version), min(count, len(self.version))):
            self.dead_words.add(self.current_word(rel))
            self.version[rel] += 1
            self._write(rel)

    def delete(self, count):
        for rel in self.rng.sample(sorted(self.version), min(count, len(self.version))):
            self.dead_words.add(self.current_word(rel))
            os.remove(os.path.join(self.root, rel))
            del self.version[rel]

    def mutate(self):
        """Edits 10-60% of the articles, deletes and adds 2%; returns the share of files to read."""
        total = len(self.version)
        share = self.rng.uniform(0.1, 0.6)
        self.edit(max(1, int(total * share)))
        self.delete(max(1, total // 50))
        self.add(max(1, total // 50))
        return share + 0.02


def wait_for_handler(pid, signo, timeout=30):
    """Waits until the process catches signo (its SigCgt mask in /proc), so a signal sent very
    early tests the indexer's handler rather than the default action."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("SigCgt:") and int(line.split()[1], 16) & (1 << (signo - 1)):
                        return
        except OSError:
            return  # already gone
        time.sleep(0.001)


class Runner:
    def __init__(self, args, work):
        self.args = args
        self.work = work
        self.db = os.path.join(work, "db")
        self.index_bin = os.path.join(args.bin_dir, "indexer", "izdeu-index")
        self.query_bin = os.path.join(args.bin_dir, "query", "izdeu-query")
        self.env = dict(os.environ)
        self.env.pop("IZDEU_DB", None)
        self.env["LC_ALL"] = "C"

    def run(self, cmd, timeout=600):
        return subprocess.run(cmd, capture_output=True, text=True, errors="replace",
                              timeout=timeout, env=self.env)

    def index_cmd(self, corpus_root):
        return [self.index_bin, "--db", self.db, "--summary=json", "--commit-every", "50",
                "--jobs", "2", "--lock-timeout", "60", corpus_root]

    def index(self, corpus_root):
        return self.run(self.index_cmd(corpus_root))

    def interrupted_run(self, corpus_root, signame, delay):
        proc = subprocess.Popen(self.index_cmd(corpus_root), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, errors="replace", env=self.env)
        try:
            out, err = proc.communicate(timeout=delay)
            return proc.returncode, out, err, False  # finished before the signal
        except subprocess.TimeoutExpired:
            pass
        if signame != "KILL":
            wait_for_handler(proc.pid, SIGNALS[signame])
        proc.send_signal(SIGNALS[signame])
        out, err = proc.communicate(timeout=600)
        return proc.returncode, out, err, True

    def check_database(self, context):
        if os.path.isdir(self.db) and not os.path.exists(os.path.join(self.db, "iamglass")):
            # Killed while Xapian was creating the database (no version file yet): nothing was
            # ever committed, and the next run creates it (checked by the convergence below).
            return None
        if os.path.isdir(self.db) and os.listdir(self.db):
            r = self.run(["xapian-check", self.db])
            if r.returncode != 0:
                raise TrialFailure(f"{context}: xapian-check failed:\n{r.stdout[-2000:]}{r.stderr}")
        r = self.run([self.index_bin, "--db", self.db, "--stats=json"])
        if r.returncode != 0:
            if not os.path.exists(self.db):
                return None  # killed before the database was created: nothing to open
            raise TrialFailure(f"{context}: --stats failed ({r.returncode}): {r.stderr}")
        return json.loads(r.stdout)

    def found(self, words):
        """word -> list of ids found for it, through one --batch run."""
        batch = os.path.join(self.work, "queries.tsv")
        with open(batch, "w", encoding="utf-8") as f:
            for w in words:
                f.write(f"{w}\t{w}\n")
        r = self.run([self.query_bin, "--db", self.db, "--batch", batch, "--plain", "--format", "trec",
                      "--limit", "5", "--no-collapse", "--no-snippets", "--feedback-docs", "0"])
        if r.returncode not in (0, 1) or r.stderr.strip():
            raise TrialFailure(f"batch query failed ({r.returncode}): {r.stderr[-2000:]}")
        hits = {w: [] for w in words}
        for line in r.stdout.splitlines():
            qid, _, docid, *_ = line.split()
            hits[qid].append(docid)
        return hits


def check_converged(runner, corpus, context):
    stats = runner.check_database(context)
    live = {corpus.current_word(rel): rel for rel in corpus.version}
    hits = runner.found(list(live) + sorted(corpus.dead_words))
    problems = []
    for word, rel in live.items():
        if hits[word] != [rel]:
            problems.append(f"{rel}: its word {word} finds {hits[word] or 'nothing'}")
    for word in sorted(corpus.dead_words):
        if hits[word]:
            problems.append(f"stale word {word} still finds {hits[word]}")
    if stats["documents"] != len(corpus.version):
        problems.append(f"{stats['documents']} documents, {len(corpus.version)} articles on disk")
    if problems:
        raise TrialFailure(f"{context}: {len(problems)} problem(s):\n  " + "\n  ".join(problems[:20]))


def check_commit_point(runner, corpus, previous_words, context):
    """After a clean stop: each article is in its old or its new version, never both."""
    runner.check_database(context)
    words = sorted(set(previous_words) | {corpus.current_word(rel) for rel in corpus.version})
    hits = runner.found(words)
    problems = []
    for rel in corpus.version:
        ids = hits.get(corpus.current_word(rel), []) + hits.get(previous_words.get(rel, ""), [])
        if len(ids) > 1 or any(i != rel for i in ids):
            problems.append(f"{rel}: found as {ids}")
    if problems:
        raise TrialFailure(f"{context}: not at a commit point:\n  " + "\n  ".join(problems[:20]))


def main():
    parser = argparse.ArgumentParser(description="izdeu-index crash trials")
    parser.add_argument("--bin-dir", required=True, help="a build folder (build/ci)")
    parser.add_argument("--trials", type=int, default=4, help="SIGKILL trials; every third one and "
                        "the last are followed by a SIGTERM or SIGINT trial, alternately")
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    args.bin_dir = os.path.abspath(args.bin_dir)
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    print(f"crash_test: seed {seed}, {args.trials} trial(s), {args.articles} articles", flush=True)

    work = tempfile.mkdtemp(prefix="izdeu-crash-")
    runner = Runner(args, work)
    corpus = Corpus(os.path.join(work, "corpus"), rng)
    corpus.add(args.articles)
    # How long a full run takes here, so kills land anywhere in a run.
    start = time.monotonic()
    calibration = runner.index(corpus.root)
    full_run = time.monotonic() - start
    if calibration.returncode != 0:
        print(f"crash_test: FAILED: the calibration run exited {calibration.returncode}: "
              f"{calibration.stderr[-2000:]}")
        return 1
    shutil.rmtree(runner.db)
    print(f"crash_test: a full run takes {full_run:.2f} s", flush=True)

    plan = []
    graceful = 0
    for t in range(args.trials):
        plan.append("KILL")
        if t % 3 == 2 or t == args.trials - 1:
            plan.append("TERM" if graceful % 2 == 0 else "INT")
            graceful += 1
    counts = {name: [0, 0] for name in SIGNALS}  # signal -> [signalled mid-run, finished first]
    failures = 0
    for number, signame in enumerate(plan, 1):
        share = 1.0
        if number > 1:
            share = corpus.mutate()
        previous = {rel: corpus.word(corpus.serial[rel], corpus.version[rel] - 1)
                    for rel in corpus.version if corpus.version[rel] > 0}
        # Anywhere in the expected run time, and a little after it.
        delay = rng.uniform(0.0, 0.02 + full_run * share * 1.2)
        context = f"trial {number} (SIG{signame} after {delay:.2f} s)"
        try:
            rc, out, err, signalled = runner.interrupted_run(corpus.root, signame, delay)
            counts[signame][0 if signalled else 1] += 1
            if signame == "KILL":
                if signalled and rc not in (-signal.SIGKILL, 0, 1):
                    raise TrialFailure(f"{context}: exit {rc}: {err[-2000:]}")
                runner.check_database(context)
            else:
                expected = 128 + SIGNALS[signame]
                if rc not in (expected, 0):
                    raise TrialFailure(f"{context}: exit {rc}, expected {expected} or 0: {err[-2000:]}")
                if rc == expected and "stopped_early" not in out:
                    raise TrialFailure(f"{context}: exit {rc} without stopped_early: {out}")
                check_commit_point(runner, corpus, previous, context)
            r = runner.index(corpus.root)
            if r.returncode != 0:
                raise TrialFailure(f"{context}: the re-run exited {r.returncode}: {r.stderr[-2000:]}")
            check_converged(runner, corpus, context)
            print(f"crash_test: {context}: {'signalled mid-run' if signalled else 'run finished first'}"
                  f", exit {rc}; converged with {len(corpus.version)} articles", flush=True)
        except (TrialFailure, subprocess.TimeoutExpired) as e:
            failures += 1
            print(f"crash_test: FAILED {e}", flush=True)
            # Start the next trial from a sound database, so one failure does not hide others.
            shutil.rmtree(runner.db, ignore_errors=True)
            runner.index(corpus.root)

    summary = ", ".join(f"SIG{n}: {c[0]} mid-run + {c[1]} finished first" for n, c in counts.items())
    print(f"crash_test: {len(plan)} trials, {len(plan) - failures} survived, {failures} failed ({summary});"
          f" seed {seed}")
    if args.keep:
        print(f"crash_test: work folder kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
