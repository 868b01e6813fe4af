#!/usr/bin/env python3
"""The first build is a build (issue 18): indexing into a new or empty database takes the path
of --rebuild (parts written side by side, merged, swapped in), says so in its summary, and gives
the same search results as the sequential path (an index grown file by file in place).

    python3 tests/first_build_test.py --bin-dir build/ci --source-dir .
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import unittest

ARGS = None
TIMEOUT = 300

# Words in several forms, so stems, phrases and spelling data all have something to agree on.
ENGLISH = ("court courts judge judges ruled ruling appeal appeals budget budgets senate senator "
           "ministry ministries reform reforms election elections school schools road roads river "
           "bridge bridges harvest farmers constitutional parliament").split()
RUSSIAN = ("суд суда суде судом бюджет бюджета бюджете выборы выборов школа школы школе дорога "
           "дороги дорогу министр министра реформа реформы парламент парламента").split()
KAZAKH = ("сот соты сотқа сотта бюджет бюджетті сайлау сайлауы мектеп мектепте жол жолдар "
          "министр министрлігі реформа реформасы парламент парламенті").split()

QUERIES = [
    "court", "courts", '"constitutional court"', "judge NEAR/3 ruled", "title:budget", "budget -senate",
    "суд", "суда", '"бюджет школы"', "lang:ru реформа", "сот", "сайлау", "мектепте", "lang:kk жол",
    "Tokayev", "Токаев", "ombudsman", "uniqword00042", "reform AND election", "riverr", "constitutionl",
]


def bin_path(name):
    return os.path.join(ARGS.bin_dir, "indexer" if name == "izdeu-index" else "query", name)


def run(cmd, timeout=TIMEOUT):
    env = dict(os.environ, LC_ALL="C")
    env.pop("IZDEU_DB", None)
    return subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=timeout, env=env)


def write_corpus(root):
    """The sample corpus of the repository plus 400 generated articles in three languages."""
    shutil.copytree(os.path.join(ARGS.source_dir, "corpus"), root)
    rng = random.Random(18)
    for i in range(400):
        lang, words = [("en", ENGLISH), ("ru", RUSSIAN), ("kk", KAZAKH)][i % 3]
        body = " ".join(rng.choice(words) for _ in range(rng.randint(30, 90)))
        title = " ".join(rng.choice(words) for _ in range(4)).capitalize()
        path = os.path.join(root, "gen", lang, f"g{i:04d}.txt")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(f"{title}\n\n{title}\nPhoto: Akorda 0{1 + i % 9}.02.2024 10:00 {i}\n\n"
                    f"{body} uniqword{i:05d}. {body[:80]}.\n")


class Workspace:
    def __init__(self, test):
        self.root = tempfile.mkdtemp(prefix="izdeu-first-build-")
        test.addCleanup(shutil.rmtree, self.root, True)
        self.corpus = os.path.join(self.root, "corpus")
        write_corpus(self.corpus)

    def index(self, db, *args):
        r = run([bin_path("izdeu-index"), "--db", db, "--summary=json", "--jobs", "2", "--commit-every", "40",
                 *args])
        return r, (json.loads(r.stdout.splitlines()[-1]) if r.stdout.strip() else None)

    def stats(self, db):
        r = run([bin_path("izdeu-index"), "--db", db, "--stats=json"])
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)

    def results(self, db, *extra):
        """query -> [(id, score)] of every match, through one --batch run."""
        batch = os.path.join(self.root, "queries.tsv")
        with open(batch, "w", encoding="utf-8") as f:
            for n, q in enumerate(QUERIES):
                f.write(f"q{n}\t{q}\n")
        r = run([bin_path("izdeu-query"), "--db", db, "--batch", batch, "--format", "trec", "--limit", "1000",
                 "--no-snippets", *extra])
        assert r.returncode in (0, 1) and not r.stderr.strip(), r.stderr
        found = {f"q{n}": [] for n in range(len(QUERIES))}
        for line in r.stdout.splitlines():
            qid, _, doc, _, score, _ = line.split()
            found[qid].append((doc, round(float(score), 4)))
        return found

    def suggestions(self, db):
        out = {}
        for q in ("riverr", "constitutionl", "parlament"):
            r = run([bin_path("izdeu-query"), "--db", db, "--format", "json", "--no-snippets", q])
            out[q] = [json.loads(l) for l in r.stdout.splitlines() if '"summary"' in l][0].get("suggestion")
        return out


class FirstBuildTest(unittest.TestCase):
    def test_a_new_database_is_built_in_parts_and_finds_what_the_sequential_path_finds(self):
        ws = Workspace(self)
        first = os.path.join(ws.root, "first")
        r, summary = ws.index(first, ws.corpus)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(summary.get("first_build"), summary)
        self.assertGreaterEqual(summary.get("parts", 0), 3, summary)  # 2 parts and the spelling part
        self.assertEqual(summary["added"], 449)
        self.assertEqual([p for p in os.listdir(ws.root) if ".new-" in p], [], "parts left beside the index")

        # The sequential path: one file makes the index, the rest is added to it in place.
        sequential = os.path.join(ws.root, "sequential")
        r, summary = ws.index(sequential, "--include", "g0000.txt", ws.corpus)
        self.assertEqual((r.returncode, summary["added"]), (0, 1), r.stderr)
        r, summary = ws.index(sequential, ws.corpus)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("first_build", summary)
        self.assertNotIn("parts", summary)
        self.assertEqual((summary["added"], summary["unchanged"]), (448, 1))

        a, b = ws.stats(first), ws.stats(sequential)
        for key in ("documents", "languages", "first_date", "last_date", "analyzer", "layout"):
            self.assertEqual(a[key], b[key], key)
        # Every match with its score (no feedback: which of two equal documents feeds it depends
        # on docids), then the default ranking's matches.
        plain_a, plain_b = ws.results(first, "--feedback-docs", "0"), ws.results(sequential, "--feedback-docs", "0")
        self.assertTrue(all(plain_a[q] for q in ("q0", "q2", "q6", "q7", "q10", "q15")), plain_a)
        for qid in plain_a:
            self.assertEqual(sorted(plain_a[qid]), sorted(plain_b[qid]), QUERIES[int(qid[1:])])
        ranked_a, ranked_b = ws.results(first), ws.results(sequential)
        for qid in ranked_a:
            self.assertEqual(sorted(d for d, _ in ranked_a[qid]), sorted(d for d, _ in ranked_b[qid]),
                             QUERIES[int(qid[1:])])
        self.assertEqual(ws.suggestions(first), ws.suggestions(sequential))

        # The next run is an ordinary incremental one.
        r, summary = ws.index(first, ws.corpus)
        self.assertEqual((r.returncode, summary["unchanged"], summary.get("first_build")), (0, 449, None), r.stderr)

    def test_an_empty_database_gets_a_first_build_too(self):
        ws = Workspace(self)
        db = os.path.join(ws.root, "db")
        empty = os.path.join(ws.root, "empty")
        os.makedirs(empty)
        r, summary = ws.index(db, empty)
        self.assertEqual((r.returncode, summary["added"]), (0, 0), r.stderr)
        self.assertEqual(ws.stats(db)["documents"], 0)
        r, summary = ws.index(db, ws.corpus)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(summary.get("first_build"), summary)
        self.assertEqual(ws.stats(db)["documents"], 449)

    def test_a_stopped_first_build_keeps_what_it_committed_and_the_next_run_goes_on(self):
        ws = Workspace(self)
        db = os.path.join(ws.root, "db")
        r, summary = ws.index(db, "--max-runtime", "0", ws.corpus)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(summary.get("stopped_early") and summary.get("first_build"), summary)
        self.assertNotIn("rebuild_discarded", summary)
        self.assertEqual(ws.stats(db)["documents"], summary["added"])
        r, summary = ws.index(db, ws.corpus)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(ws.stats(db)["documents"], 449)

    def test_a_rebuild_is_still_a_rebuild(self):
        ws = Workspace(self)
        db = os.path.join(ws.root, "db")
        self.assertEqual(ws.index(db, ws.corpus)[0].returncode, 0)
        r, summary = ws.index(db, "--rebuild", ws.corpus)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("first_build", summary)
        self.assertGreaterEqual(summary.get("parts", 0), 3, summary)
        self.assertEqual(summary["added"], 449)


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin-dir", required=True)
    parser.add_argument("--source-dir", required=True)
    ARGS, rest = parser.parse_known_args()
    ARGS.bin_dir = os.path.abspath(ARGS.bin_dir)
    ARGS.source_dir = os.path.abspath(ARGS.source_dir)
    unittest.main(argv=[sys.argv[0], *rest], verbosity=2)


if __name__ == "__main__":
    main()
