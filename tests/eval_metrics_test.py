#!/usr/bin/env python3
"""Tests of the relevance measures (bench/eval/trec_metrics.py) and the harness around them.

The expected numbers are worked out by hand in the comments, following trec_eval 9.x;
the harness is exercised with stand-in izdeu binaries, so no C++ build is needed.
Run: python3 tests/eval_metrics_test.py
"""

import contextlib
import io
import json
import math
import os
import stat
import sys
import tempfile
import textwrap
import unittest
from pathlib import Path

EVAL_DIR = Path(__file__).resolve().parents[1] / "bench" / "eval"
sys.path.insert(0, str(EVAL_DIR))

import run_eval  # noqa: E402
import significance  # noqa: E402
import sweep  # noqa: E402
import trec_metrics  # noqa: E402

# Hand-worked example.
#
# q1: five judged documents, grades d1=2 d2=1 d3=0 d4=1 d5=2 -> 4 relevant (d1 d2 d4 d5).
# q2: a=1 b=1 -> 2 relevant.
# q3: z=1, and the run has no line for q3.
# q4: only a non-relevant judgment (w=0): no system can score on it.
# q9 is in the run but not in the qrels.
QRELS = """\
q1 0 d1 2
q1 0 d2 1
q1 0 d3 0
q1 0 d4 1
q1 0 d5 2
q2 0 a 1
q2 0 b 1
q3 0 z 1
q4 0 w 0
"""

# The rank column is deliberately misleading: trec_eval ignores it and sorts by score.
# q1: d3 and d5 tie at 7.5; docno DESCENDING puts d5 (grade 2) before d3 (grade 0).
#   trec_eval ranking: 1 d1 (2), 2 d5 (2), 3 d3 (0), 4 dX (unjudged), 5 d2 (1); d4 missing.
# q2: eleven documents, b at rank 2 and a at rank 11, the rest unjudged.
RUN = """\
q1 Q0 d3 1 7.5 t
q1 Q0 d1 2 9.0 t
q1 Q0 d5 3 7.5 t
q1 Q0 dX 4 6.0 t
q1 Q0 d2 5 5.0 t
q2 Q0 n1 1 20 t
q2 Q0 b 2 19 t
q2 Q0 n2 3 18 t
q2 Q0 n3 4 17 t
q2 Q0 n4 5 16 t
q2 Q0 n5 6 15 t
q2 Q0 n6 7 14 t
q2 Q0 n7 8 13 t
q2 Q0 n8 9 12 t
q2 Q0 n9 10 11 t
q2 Q0 a 11 10 t
q9 Q0 d1 1 1.0 t
"""

# log2(2) = 1, log2(3) = 1.5849625, log2(4) = 2, log2(5) = 2.3219281, log2(6) = 2.5849625
#
# q1 nDCG@10
#   DCG  = 2/log2(2) + 2/log2(3) + 0 + 0 + 1/log2(6) = 2 + 1.2618595 + 0.3868528 = 3.6487123
#   IDCG = grades 2,2,1,1: 2/1 + 2/log2(3) + 1/log2(4) + 1/log2(5)
#        = 2 + 1.2618595 + 0.5 + 0.4306766                             = 4.1925361
#   nDCG = 3.6487123 / 4.1925361 = 0.8703
#   (with ties broken by ascending docno, d3 would take rank 2: DCG 3.3868528 -> 0.8078)
# q1 AP@100: relevant at ranks 1, 2, 5 -> (1/1 + 2/2 + 3/5) / 4 relevant = 2.6 / 4 = 0.6500
#   (ascending tie-break: ranks 1, 3, 5 -> (1 + 0.6667 + 0.6) / 4 = 0.5667)
# q1 P@10 = 3 / 10 = 0.3000 (five retrieved, still divided by 10)
# q1 R@100 = 3 / 4 = 0.7500
#
# q2 nDCG@10: only b (rank 2) is in the top 10
#   DCG = 1/log2(3) = 0.6309298;  IDCG = 1 + 1/log2(3) = 1.6309298;  nDCG = 0.3869
# q2 AP@100 = (1/2 + 2/11) / 2 = (0.5 + 0.1818182) / 2 = 0.3409
# q2 P@10 = 1 / 10 = 0.1000;  R@100 = 2 / 2 = 1.0000
#
# q3: no run lines -> 0 on every measure, but it still counts in the mean.
# q4: no relevant document -> not averaged (trec_eval -c would count it as 0).
# q9: not in the qrels -> ignored.
#
# Means over q1, q2, q3:
#   nDCG@10 = (0.8702876 + 0.3868528 + 0) / 3 = 0.4190
#   MAP@100 = (0.65 + 0.3409091 + 0) / 3      = 0.3303
#   P@10    = (0.3 + 0.1 + 0) / 3             = 0.1333
#   R@100   = (0.75 + 1.0 + 0) / 3            = 0.5833
EXPECTED = {
    "q1": {"ndcg_cut_10": 0.8703, "map_cut_100": 0.6500, "P_10": 0.3000, "recall_100": 0.7500},
    "q2": {"ndcg_cut_10": 0.3869, "map_cut_100": 0.3409, "P_10": 0.1000, "recall_100": 1.0000},
    "q3": {"ndcg_cut_10": 0.0, "map_cut_100": 0.0, "P_10": 0.0, "recall_100": 0.0},
}
EXPECTED_MEAN = {"ndcg_cut_10": 0.4190, "map_cut_100": 0.3303, "P_10": 0.1333, "recall_100": 0.5833}


def qrels():
    return trec_metrics.read_qrels(QRELS.splitlines())


def run():
    return trec_metrics.read_run(RUN.splitlines())


class HandWorkedExampleTest(unittest.TestCase):
    def test_per_query_values(self):
        per_query = trec_metrics.evaluate_per_query(qrels(), run())
        self.assertEqual(sorted(per_query), ["q1", "q2", "q3"])
        for qid, expected in EXPECTED.items():
            for measure, value in expected.items():
                with self.subTest(qid=qid, measure=measure):
                    self.assertAlmostEqual(per_query[qid][measure], value, places=4)

    def test_means(self):
        means = trec_metrics.evaluate(qrels(), run())
        self.assertEqual(means["num_q"], 3)
        for measure, value in EXPECTED_MEAN.items():
            with self.subTest(measure=measure):
                self.assertAlmostEqual(means[measure], value, places=4)

    def test_exact_ndcg_formula(self):
        # The same q1 value at full precision, to catch a wrong discount (e.g. log2(rank)).
        expected = (2 + 2 / math.log2(3) + 1 / math.log2(6)) / (
            2 + 2 / math.log2(3) + 1 / math.log2(4) + 1 / math.log2(5))
        value = trec_metrics.evaluate_per_query(qrels(), run())["q1"]["ndcg_cut_10"]
        self.assertAlmostEqual(value, expected, places=12)


class TieBreakingTest(unittest.TestCase):
    def test_ties_by_docno_descending(self):
        ranked = trec_metrics.rank_documents(run()["q1"])
        self.assertEqual(ranked, ["d1", "d5", "d3", "dX", "d2"])

    def test_tie_order_changes_the_scores_as_worked_out(self):
        # Give d5 and d3 distinct scores in the ascending order: the values of the
        # ascending tie-break from the comments above, proving the tie decides them.
        lines = RUN.replace("q1 Q0 d5 3 7.5 t", "q1 Q0 d5 3 7.4 t").splitlines()
        values = trec_metrics.evaluate_per_query(qrels(), trec_metrics.read_run(lines))["q1"]
        self.assertAlmostEqual(values["ndcg_cut_10"], 0.8078, places=4)
        self.assertAlmostEqual(values["map_cut_100"], 0.5667, places=4)

    def test_tie_uses_string_not_numeric_order(self):
        # strcmp order: "9" > "10" > "1", so descending is 9, 10, 1.
        ranked = trec_metrics.rank_documents({"1": 1.0, "10": 1.0, "9": 1.0})
        self.assertEqual(ranked, ["9", "10", "1"])

    def test_rank_column_is_ignored(self):
        ranked = trec_metrics.rank_documents(
            trec_metrics.read_run(["q Q0 low 1 0.1 t", "q Q0 high 2 0.9 t"])["q"])
        self.assertEqual(ranked, ["high", "low"])


class AveragingTest(unittest.TestCase):
    def test_query_without_run_lines_counts_as_zero(self):
        only_q1 = {"q1": run()["q1"]}
        means = trec_metrics.evaluate(qrels(), only_q1)
        self.assertEqual(means["num_q"], 3)
        self.assertAlmostEqual(means["ndcg_cut_10"], 0.8702876 / 3, places=6)

    def test_empty_run_scores_zero(self):
        means = trec_metrics.evaluate(qrels(), {})
        self.assertEqual(means["num_q"], 3)
        self.assertEqual([means[m] for m in trec_metrics.MEASURES], [0.0] * 4)

    def test_trec_eval_c_counts_queries_without_relevant_docs(self):
        means = trec_metrics.evaluate(qrels(), run(), include_unanswerable=True)
        self.assertEqual(means["num_q"], 4)
        self.assertAlmostEqual(means["ndcg_cut_10"], (0.8702876 + 0.3868528) / 4, places=6)

    def test_no_queries_gives_zero_not_an_error(self):
        self.assertEqual(trec_metrics.evaluate({}, {})["num_q"], 0)


class CutoffTest(unittest.TestCase):
    def judged_run(self, relevant_rank, length):
        scores = {f"doc{rank:03d}": float(1000 - rank) for rank in range(1, length + 1)}
        return {"rel": 1}, {**{k: v for k, v in scores.items() if k != f"doc{relevant_rank:03d}"},
                            "rel": float(1000 - relevant_rank)}

    def test_relevant_at_rank_100_counts(self):
        judged, scores = self.judged_run(100, 101)
        values = trec_metrics.evaluate_query(scores, judged)
        self.assertAlmostEqual(values["map_cut_100"], 1 / 100)
        self.assertEqual(values["recall_100"], 1.0)
        self.assertEqual(values["P_10"], 0.0)

    def test_relevant_at_rank_101_does_not(self):
        judged, scores = self.judged_run(101, 101)
        values = trec_metrics.evaluate_query(scores, judged)
        self.assertEqual(values["map_cut_100"], 0.0)
        self.assertEqual(values["recall_100"], 0.0)

    def test_ndcg_ideal_is_cut_at_ten(self):
        # 12 relevant docs of grade 1, the run finds exactly the top 10 of them: nDCG@10 = 1.
        judged = {f"r{i:02d}": 1 for i in range(12)}
        scores = {f"r{i:02d}": float(100 - i) for i in range(10)}
        self.assertAlmostEqual(trec_metrics.evaluate_query(scores, judged)["ndcg_cut_10"], 1.0)


class ReadRunTest(unittest.TestCase):
    def test_tolerates_extra_whitespace(self):
        messy = [
            "\n",
            "# a comment line\n",
            "  q1\tQ0   d3  1\t7.5   t  \r\n",
            "q1 Q0\td1 2 9.0 t extra fields are ignored\n",
            "\t\n",
            "q1  Q0  d5  3  7.5e0  t\n",
            "q1 Q0 dX 4 6 t",
            "   q1 Q0 d2 5 +5.00 t\n",
        ]
        self.assertEqual(trec_metrics.read_run(messy), {"q1": run()["q1"]})

    def test_reads_a_path(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "run.txt"
            path.write_text(RUN, encoding="utf-8")
            self.assertEqual(trec_metrics.read_run(path), run())
            self.assertEqual(trec_metrics.read_run(str(path)), run())

    def test_rejects_what_trec_eval_rejects(self):
        for bad in (["q1 Q0 d1 1 2.0"], ["q1 Q0 d1 1 high t"], ["q1 Q0 d1 1 2 t", "q1 Q0 d1 2 1 t"]):
            with self.subTest(bad=bad), self.assertRaises(ValueError):
                trec_metrics.read_run(bad)

    def test_same_docno_in_two_queries_is_fine(self):
        self.assertEqual(len(trec_metrics.read_run(["a Q0 d 1 1 t", "b Q0 d 1 1 t"])), 2)


class ReadQrelsTest(unittest.TestCase):
    def test_keeps_grades_and_whitespace(self):
        self.assertEqual(trec_metrics.read_qrels(["  q1\t0  d1 2\r\n", "", "q1 0 d2 0"]),
                         {"q1": {"d1": 2, "d2": 0}})

    def test_rejects_duplicates_and_bad_grades(self):
        for bad in (["q 0 d 1", "q 0 d 2"], ["q 0 d x"], ["q 0 d"]):
            with self.subTest(bad=bad), self.assertRaises(ValueError):
                trec_metrics.read_qrels(bad)


README = """\
# collections

| folder | language |
|---|---|
| `toy` | en |

## Baselines (nDCG@10 / MAP@100)

| collection | Engine A, stock (notes, k1=1) | Engine B | Engine C (other) |
|---|---|---|---|
| toy | 0.500 / 0.400 | 0.600 / 0.450 (a note) | 0.600 / 0.500 |
| other | 0.35 / 0.2 | – | 0.30 / 0.1 |

### The news sets

| news collection | Engine A, stock | Engine C |
|---|---|---|
| news | 0.80 / 0.70 | 0.85 / 0.75 |
"""


class BaselineTableTest(unittest.TestCase):
    def test_stock_is_first_column_and_best_is_highest_ndcg(self):
        baselines = run_eval.parse_baselines(README)
        self.assertEqual(sorted(baselines), ["other", "toy"])
        toy = baselines["toy"]
        self.assertEqual((toy.stock.system, toy.stock.ndcg, toy.stock.map), ("Engine A, stock", 0.5, 0.4))
        self.assertEqual((toy.best.system, toy.best.ndcg, toy.best.map), ("Engine B", 0.6, 0.45))
        self.assertEqual(baselines["other"].stock.decimals, 2)

    def test_the_news_table_is_read_only_when_asked(self):
        self.assertNotIn("news", run_eval.parse_baselines(README))
        every = run_eval.parse_all_baselines(README)
        self.assertEqual(sorted(every), ["news", "other", "toy"])
        self.assertEqual((every["news"].stock.ndcg, every["news"].best.system), (0.80, "Engine C"))

    def test_guard_covers_only_the_collections_named(self):
        stock = run_eval.Baseline("stock", 0.80, 0.7, 2)
        below = run_eval.CollectionResult("news", {"ndcg_cut_10": 0.5}, {}, run_eval.CollectionBaselines(stock, stock), 0)
        self.assertEqual(run_eval.guard_failures([below], {"toy"}), [])
        self.assertEqual(len(run_eval.guard_failures([below])), 1)

    def test_reads_the_shared_readme_when_present(self):
        readme = Path("/work/shared/eval/README.md")
        if not readme.is_file():
            self.skipTest("no shared collections here")
        baselines = run_eval.parse_baselines(readme.read_text(encoding="utf-8"))
        self.assertIn("cranfield", baselines)
        self.assertTrue(baselines["cranfield"].stock.system.startswith("Xapian, stock"))

    def test_guard_compares_at_published_precision(self):
        stock = run_eval.Baseline("stock", 0.350, 0.2, 3)
        baselines = run_eval.CollectionBaselines(stock, stock)

        def result(ndcg):
            return run_eval.CollectionResult("c", {"ndcg_cut_10": ndcg}, {}, baselines, 0)

        self.assertEqual(run_eval.guard_failures([result(0.3496)]), [])  # rounds to 0.350
        self.assertEqual(len(run_eval.guard_failures([result(0.3494)])), 1)


class MarkedSectionTest(unittest.TestCase):
    def test_replaces_between_markers_only(self):
        text = "# Eval\nbefore\n<!-- eval:begin -->\nold\n<!-- eval:end -->\nafter\n"
        self.assertEqual(run_eval.replace_marked_section(text, "new table\n"),
                         "# Eval\nbefore\n<!-- eval:begin -->\nnew table\n<!-- eval:end -->\nafter\n")

    def test_appends_when_there_are_no_markers(self):
        self.assertEqual(run_eval.replace_marked_section("# Eval\n", "t"),
                         "# Eval\n\n<!-- eval:begin -->\nt\n<!-- eval:end -->\n")
        self.assertEqual(run_eval.replace_marked_section("", "t"), "<!-- eval:begin -->\nt\n<!-- eval:end -->\n")

    def test_one_marker_alone_is_an_error(self):
        with self.assertRaises(run_eval.UsageError):
            run_eval.replace_marked_section("<!-- eval:end -->\n<!-- eval:begin -->\n", "t")


# A stand-in for both izdeu tools: logs its argv, and as izdeu-query answers every
# query of the batch with its relevant documents ("perfect"), nothing ("empty"), or fails.
FAKE_TOOL = """\
#!{python}
import json, pathlib, sys
MODE = {mode!r}
LOG = pathlib.Path({log!r})
with LOG.open("a") as log:
    log.write(json.dumps(sys.argv[1:]) + "\\n")
args = sys.argv[1:]
if pathlib.Path(sys.argv[0]).name == "izdeu-index":
    pathlib.Path(args[args.index("--db") + 1]).mkdir(parents=True, exist_ok=True)
    sys.exit(0)
if MODE == "fail":
    print("izdeu-query: database is corrupt", file=sys.stderr)
    sys.exit(2)
if MODE == "perfect":
    qrels = pathlib.Path(args[args.index("--batch") + 1]).with_name("qrels.txt")
    for number, line in enumerate(qrels.read_text().splitlines()):
        qid, _, docno, grade = line.split()
        if int(grade) > 0:
            print(f"{{qid}} Q0 {{docno}} 1 {{100 - number}} izdeu")
"""


class HarnessTest(unittest.TestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="eval-harness-test-"))
        self.addCleanup(lambda: __import__("shutil").rmtree(self.tmp, ignore_errors=True))
        self.eval_dir = self.tmp / "eval"
        toy = self.eval_dir / "toy"
        toy.mkdir(parents=True)
        (self.eval_dir / "README.md").write_text(README, encoding="utf-8")
        (toy / "docs.jsonl").write_text('{"id": "d1", "title": "t", "text": "x"}\n', encoding="utf-8")
        (toy / "queries.tsv").write_text("q1\tfirst\nq2\tsecond\n", encoding="utf-8")
        (toy / "qrels.txt").write_text("q1 0 d1 1\nq2 0 d2 2\nq2 0 d3 0\n", encoding="utf-8")
        self.build = self.tmp / "build"
        self.log = self.tmp / "argv.log"

    def install_tools(self, mode):
        for relative in ("indexer/izdeu-index", "query/izdeu-query"):
            path = self.build / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(FAKE_TOOL.format(python=sys.executable, mode=mode, log=str(self.log)))
            path.chmod(path.stat().st_mode | stat.S_IXUSR)

    def main(self, *extra):
        stdout, stderr = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = run_eval.main(["--eval-dir", str(self.eval_dir), "--build", str(self.build), *extra])
        return code, stdout.getvalue(), stderr.getvalue()

    def test_missing_binaries_exit_2_and_name_them(self):
        code, _, stderr = self.main()
        self.assertEqual(code, 2)
        self.assertIn("izdeu-index", stderr)
        self.assertIn("izdeu-query", stderr)

    def test_unknown_collection_is_a_usage_error(self):
        self.install_tools("perfect")
        code, _, stderr = self.main("--collections", "nope")
        self.assertEqual(code, 2)
        self.assertIn("toy", stderr)

    def test_perfect_run_passes_guard_and_follows_the_cli_contract(self):
        self.install_tools("perfect")
        code, stdout, stderr = self.main("--guard", "--query-opt=--stem none", "--query-opt=--k1=1.2")
        self.assertEqual(code, 0, stderr)
        self.assertIn("| toy | 1.0000 | 1.0000 | 0.1000 | 1.0000 | 0.600 / 0.450 (Engine B) | +66.7% |", stdout)
        index_argv, query_argv = [json.loads(line) for line in self.log.read_text().splitlines()]
        self.assertEqual(index_argv[:1] + index_argv[2:],
                         ["--db", "--rebuild", "--quiet", str(self.eval_dir / "toy" / "docs.jsonl")])
        self.assertEqual(query_argv[0], "--db")
        self.assertEqual(query_argv[2:], ["--batch", str(self.eval_dir / "toy" / "queries.tsv"), "--plain",
                                          "--format", "trec", "--limit", "100", "--stem", "none", "--k1=1.2"])
        self.assertFalse(Path(index_argv[1]).exists(), "the temporary database must be removed")

    def test_empty_run_fails_guard_with_exit_1(self):
        self.install_tools("empty")
        code, stdout, stderr = self.main("--guard", "--json")
        self.assertEqual(code, 1)
        self.assertIn("toy: nDCG@10 0.0000 < Engine A, stock 0.500", stderr)
        report = json.loads(stdout)
        self.assertEqual(report["collections"]["toy"]["ndcg_cut_10"], 0.0)
        self.assertEqual(report["collections"]["toy"]["queries_without_results"], 2)
        self.assertEqual(sorted(report["collections"]["toy"]["per_query"]), ["q1", "q2"])

    def test_failing_tool_exits_3(self):
        self.install_tools("fail")
        code, _, stderr = self.main()
        self.assertEqual(code, 3)
        self.assertIn("database is corrupt", stderr)

    def test_sweep_run_keeps_every_query_score_for_compare(self):
        self.install_tools("perfect")
        results = self.tmp / "sweep.json"
        with contextlib.redirect_stderr(io.StringIO()):
            code = sweep.main(["--eval-dir", str(self.eval_dir), "run", "--results", str(results),
                               "--build", str(self.build), "--label", "x", "--variant", "base="])
        self.assertEqual(code, 0)
        stored = json.loads(results.read_text())
        self.assertEqual(stored["x/base"], {"toy": 1.0})
        self.assertEqual(stored["_per_query"]["x/base"], {"toy": {"q1": 1.0, "q2": 1.0}})

    def test_write_md_rewrites_only_the_marked_section(self):
        self.install_tools("perfect")
        target = self.tmp / "EVALUATION.md"
        target.write_text("# Evaluation\n\n<!-- eval:begin -->\nold\n<!-- eval:end -->\n\nNotes.\n")
        code, _, stderr = self.main("--write-md", str(target))
        self.assertEqual(code, 0, stderr)
        text = target.read_text()
        self.assertTrue(text.startswith("# Evaluation\n\n<!-- eval:begin -->\n| collection |"))
        self.assertTrue(text.endswith("<!-- eval:end -->\n\nNotes.\n"))
        self.assertNotIn("old", text)


class SweepObjectiveTest(unittest.TestCase):
    """sweep.py loo: the mean gain (default) against issue 16's objective, on made-up scores.

    a1, a2 are academic (best stock engine 0.5 each), n1, n2 news (0.8 each). With the floor at
    +10% academic lead: `ref` (academic +20%, news +2.5%) is the defaults; `A` wins the mean gain
    (+32% academic, news +0%); `B` trades academic for news (+14%, +7.5%) and is issue 16's
    choice; `C` has more news (+12.5%) but the academic lead under the floor (+6%); `D` has the
    most news but a2 under its best stock engine.
    """

    README = textwrap.dedent("""\
        | collection | Engine, stock | Engine B |
        |---|---|---|
        | a1 | 0.4 / 0.3 | 0.5 / 0.4 |
        | a2 | 0.4 / 0.3 | 0.5 / 0.4 |

        | news collection | Engine, stock | Engine B |
        |---|---|---|
        | n1 | 0.7 / 0.6 | 0.8 / 0.7 |
        | n2 | 0.7 / 0.6 | 0.8 / 0.7 |
        """)
    SCORES = {
        "x/ref": (0.60, 0.60, 0.82, 0.82),
        "x/A": (0.66, 0.66, 0.80, 0.80),
        "x/B": (0.57, 0.57, 0.86, 0.86),
        "x/C": (0.53, 0.53, 0.90, 0.90),
        "x/D": (0.60, 0.45, 0.95, 0.95),
    }

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="izdeu-sweep-test-"))
        (self.tmp / "README.md").write_text(self.README, encoding="utf-8")
        results = {key: dict(zip(("a1", "a2", "n1", "n2"), scores)) for key, scores in self.SCORES.items()}
        self.results = self.tmp / "results.json"
        self.results.write_text(json.dumps(results), encoding="utf-8")

    def tearDown(self):
        for path in self.tmp.iterdir():
            path.unlink()
        self.tmp.rmdir()

    def loo(self, *args):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = sweep.main(["--eval-dir", str(self.tmp), "loo", "--results", str(self.results), *args])
        return code, out.getvalue(), err.getvalue()

    def chosen(self, text):
        """{held-out collection: chosen variant} from the held-out table, and the choice on all."""
        rows = {cells[0]: cells[1] for cells in (run_eval._table_cells(line) for line in text.splitlines()
                                                 if line.startswith("| ") and not line.startswith("| held"))}
        on_all = text.splitlines()[0].split("collections: ")[1].split(" ")[0]
        return rows, on_all

    def test_the_mean_gain_stays_the_default(self):
        code, out, err = self.loo()
        self.assertEqual(code, 0, err)
        rows, on_all = self.chosen(out)
        self.assertEqual(on_all, "x/A")
        self.assertEqual(rows["n1"], "x/A")

    def test_issue16_trades_academic_lead_for_news_down_to_the_floor(self):
        code, out, err = self.loo("--objective", "issue16", "--reference", "x/ref", "--academic-lead", "10")
        self.assertEqual(code, 0, err)
        rows, on_all = self.chosen(out)
        self.assertEqual(on_all, "x/B")
        self.assertIn("tuned on all: academic +14.0%, news +7.5%", out)
        # Held out: one academic collection keeps ref's lead on it less the 10 points ref may give
        # up, which C falls under; D's a2 is under its best stock engine, so only a fold without
        # a2 can choose D, and a2 held out shows what that costs.
        self.assertEqual([rows[c] for c in ("a1", "n1", "n2")], ["x/B"] * 3)
        self.assertEqual(rows["a2"], "x/D")
        self.assertIn("every collection at or above its best stock engine: no", out)

    def test_a_higher_floor_leaves_the_trade_out(self):
        code, out, err = self.loo("--objective", "issue16", "--reference", "x/ref", "--academic-lead", "15")
        self.assertEqual(code, 0, err)
        # B's +14% is under the floor now; ref and A remain, and ref has more news.
        self.assertEqual(self.chosen(out)[1], "x/ref")

    def test_issue16_needs_the_reference(self):
        code, _, err = self.loo("--objective", "issue16")
        self.assertEqual(code, run_eval.EXIT_USAGE)
        self.assertIn("--reference", err)


class SignificanceTest(unittest.TestCase):
    """significance.py, on differences whose p-values are counted by hand."""

    def test_exact_p_counts_the_sign_assignments(self):
        # Three +1s: of the 8 sign assignments, +++ and --- reach |3|.
        self.assertEqual(significance.paired_randomization_p([1, 1, 1]), 2 / 8)
        # Zeros drop out: the same as [2, 2], where ++ and -- of 4 reach |4|.
        self.assertEqual(significance.paired_randomization_p([0, 2, 0, 2]), 2 / 4)
        # [3, 1]: |3 + 1| and |-3 - 1| reach 4, |3 - 1| does not: 2 of 4.
        self.assertEqual(significance.paired_randomization_p([3, 1]), 0.5)
        # A mean difference of 0 is reached by every assignment.
        self.assertEqual(significance.paired_randomization_p([1, -1]), 1.0)
        self.assertEqual(significance.paired_randomization_p([0, 0]), 1.0)

    def test_sampled_p_is_small_for_a_consistent_difference_and_never_zero(self):
        # 20 queries all better: the exact p is 2 / 2^20; sampled, (0 + 1) / (samples + 1).
        p = significance.paired_randomization_p([0.5] * 20, samples=2000)
        self.assertEqual(p, 1 / 2001)
        # Half better and half worse by as much: no evidence at all.
        self.assertEqual(significance.paired_randomization_p([0.5, -0.5] * 10, samples=2000), 1.0)

    def test_sampled_p_agrees_with_the_exact_one(self):
        differences = [0.3, 0.2, -0.1, 0.4, 0.1, 0.2, -0.2, 0.5, 0.1, 0.3, 0.2, -0.3, 0.1, 0.2, 0.4, 0.1, 0.2]
        exact = significance.paired_randomization_p(differences[:16])
        sampled = significance.paired_randomization_p(differences[:16] + [0.0], samples=20000)
        self.assertAlmostEqual(sampled, exact, delta=0.005)
        sampled17 = significance.paired_randomization_p(differences, samples=20000)  # 17 non-zero: sampled
        self.assertLess(sampled17, 0.05)

    def test_bootstrap_interval_of_constants_is_a_point_and_of_a_spread_holds_the_mean(self):
        low, high = significance.bootstrap_interval({"a": [0.7] * 10}, lambda m: m["a"], samples=200)
        self.assertAlmostEqual(low, 0.7)
        self.assertAlmostEqual(high, 0.7)
        values = [0.0, 1.0] * 50
        low, high = significance.bootstrap_interval({"a": values}, lambda m: m["a"], samples=2000)
        # The mean of 100 draws of 0/1 at p = 0.5 has a standard error of 0.05: about 0.4 to 0.6.
        self.assertTrue(0.37 < low < 0.45 and 0.55 < high < 0.63, (low, high))
        # Seeded: the same numbers each time.
        self.assertEqual((low, high), significance.bootstrap_interval({"a": values}, lambda m: m["a"], samples=2000))

    def test_group_p_flips_every_collection_and_sees_a_shared_direction(self):
        # Each collection alone is weak evidence (5 of 5 better: exact p 2/32 = 0.0625); together,
        # 10 of 10 better is strong.
        strata = {"n1": [0.1] * 5, "n2": [0.1] * 5}
        p = significance.group_randomization_p(strata, lambda m: m["n1"] + m["n2"], samples=4000)
        self.assertLess(p, 0.01)
        self.assertEqual(significance.group_randomization_p({"n1": [0.0] * 5}, lambda m: m["n1"]), 1.0)
        opposite = {"n1": [0.1] * 5, "n2": [-0.1] * 5}
        self.assertEqual(significance.group_randomization_p(opposite, lambda m: m["n1"] + m["n2"]), 1.0)


class SweepCompareTest(unittest.TestCase):
    """sweep.py compare: per-query scores in, p-values and intervals out."""

    README = SweepObjectiveTest.README

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="izdeu-compare-test-"))
        self.addCleanup(lambda: __import__("shutil").rmtree(self.tmp, ignore_errors=True))
        (self.tmp / "README.md").write_text(self.README, encoding="utf-8")
        queries = [f"q{i}" for i in range(20)]
        base = {c: {q: 0.5 for q in queries} for c in ("a1", "a2", "n1", "n2")}
        # "better": every news query up by 0.1, the academic ones unchanged.
        better = {c: {q: v + (0.1 if c.startswith("n") else 0.0) for q, v in scores.items()}
                  for c, scores in base.items()}
        results = {"x/base": {c: 0.5 for c in base}, "x/better": {c: 0.6 if c.startswith("n") else 0.5 for c in base},
                   "x/old": {c: 0.5 for c in base}, "_per_query": {"x/base": base, "x/better": better}}
        self.results = self.tmp / "results.json"
        self.results.write_text(json.dumps(results), encoding="utf-8")

    def compare(self, *args):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = sweep.main(["--eval-dir", str(self.tmp), "compare", "--results", str(self.results),
                               "--samples", "2000", *args])
        return code, out.getvalue(), err.getvalue()

    def rows(self, text):
        return {cells[0]: cells for cells in (run_eval._table_cells(line) for line in text.splitlines())
                if cells and not cells[0].startswith("collection") and not cells[0].startswith("---")}

    def test_one_variant_gets_intervals(self):
        code, out, err = self.compare("x/base")
        self.assertEqual(code, 0, err)
        rows = self.rows(out)
        # Every query 0.5: the interval is the point; news 0.5 against best stock engines of 0.8.
        self.assertEqual(rows["n1"][1:4], ["20", "0.5000", "0.5000 to 0.5000"])
        self.assertEqual(rows["**news average gain**"][2:4], ["-37.5%", "-37.5 to -37.5%"])

    def test_a_consistent_difference_is_significant_and_no_difference_is_not(self):
        code, out, err = self.compare("x/base", "x/better")
        self.assertEqual(code, 0, err)
        rows = self.rows(out)
        self.assertEqual(rows["n1"][3:5], ["+0.1000", "20 / 0"])
        self.assertAlmostEqual(float(rows["n1"][5]), 1 / 2001, delta=1e-6)
        self.assertEqual(rows["a1"][3:5], ["+0.0000", "0 / 0"])
        self.assertEqual(float(rows["a1"][5]), 1.0)
        # News: 0.6 + 0.6 against 0.8 + 0.8 is -25%, from -37.5%: +12.5 points, every draw.
        self.assertEqual(rows["**news average gain**"][1:4], ["-37.5%", "-25.0%", "+12.50 points"])
        self.assertEqual(rows["**news average gain**"][6], "+12.50 to +12.50 points")
        self.assertEqual(float(rows["**academic average gain**"][5]), 1.0)

    def test_a_variant_without_per_query_scores_is_a_usage_error(self):
        code, _, err = self.compare("x/base", "x/old")
        self.assertEqual(code, run_eval.EXIT_USAGE)
        self.assertIn("x/old", err)
        self.assertIn("run it again", err)


if __name__ == "__main__":
    unittest.main()
