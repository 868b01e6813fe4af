#!/usr/bin/env python3
"""End-to-end tests: index real files with izdeu-index and query them with izdeu-query, through
the binaries, as a user or a cron job would. Run by ctest; also runnable by hand:

    python3 tests/cli_e2e_test.py --bin-dir build/release --source-dir .
"""
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

import e2e_support

ARGS = None


def bin_path(name):
    sub = "indexer" if name == "izdeu-index" else "query"
    return os.path.join(ARGS.bin_dir, sub, name)


def run(cmd, env=None, timeout=120, input_text=None):
    full_env = dict(os.environ)
    full_env.pop("IZDEU_DB", None)
    full_env["LANG"] = "C"  # cron's locale: nothing may depend on it
    full_env["LC_ALL"] = "C"
    if env:
        full_env.update(env)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=full_env,
                          input=input_text, errors="replace")


ARTICLE = """{title}

{title}
Photo: {credit} {date} 10:00 {views}

{body}

Telegram Subscribe to our Telegram channel and be the first to know the news!
"""


def article(title, body, credit="Akorda", date="01.02.2024", views=100):
    return ARTICLE.format(title=title, body=body, credit=credit, date=date, views=views)


class Workspace:
    """A temporary corpus folder and database."""

    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="izdeu-e2e-")
        self.corpus = os.path.join(self.root, "corpus")
        self.db = os.path.join(self.root, "db")
        os.makedirs(self.corpus)

    def write(self, rel, content, mode="w", encoding="utf-8"):
        return e2e_support.write_file(os.path.join(self.corpus, rel), content, mode, encoding)

    def index(self, *extra, paths=None):
        cmd = [bin_path("izdeu-index"), "--db", self.db, "--summary=json", *extra]
        cmd += paths if paths is not None else [self.corpus]
        return run(cmd)

    def summary(self, result):
        lines = [l for l in result.stdout.splitlines() if l.startswith("{")]
        assert lines, "no JSON summary in: " + result.stdout + result.stderr
        return json.loads(lines[-1])

    def query(self, *args):
        return run([bin_path("izdeu-query"), "--db", self.db, *args])

    def json_hits(self, *args):
        r = self.query("--format", "json", *args)
        records = [json.loads(l) for l in r.stdout.splitlines()]
        return [h for h in records if h["type"] == "hit"], r

    def cleanup(self):
        shutil.rmtree(self.root, ignore_errors=True)


class SampleCorpusTest(unittest.TestCase):
    """The project's own corpus/ through both tools."""

    @classmethod
    def setUpClass(cls):
        cls.ws = Workspace()
        r = run([bin_path("izdeu-index"), "--db", cls.ws.db, "--summary=json",
                 os.path.join(ARGS.source_dir, "corpus")])
        cls.index_result = r

    @classmethod
    def tearDownClass(cls):
        cls.ws.cleanup()

    def test_corpus_indexes_cleanly(self):
        r = self.index_result
        self.assertEqual(r.returncode, 0, r.stderr)
        s = json.loads(r.stdout.strip().splitlines()[-1])
        self.assertGreaterEqual(s["added"], 40)
        self.assertEqual(s["failed"], 0)

    def test_constitutional_court_phrase_ranks_a_court_article_first(self):
        hits, r = self.ws.json_hits('"Constitutional Court"')
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertGreaterEqual(len(hits), 3)
        self.assertIn("Constitutional Court", hits[0]["title"] + hits[0]["snippet"])
        for h in hits:
            for key in ("rank", "score", "id", "title", "date", "lang", "credit", "snippet", "duplicates"):
                self.assertIn(key, h)

    def test_russian_query_finds_inflected_forms(self):
        hits, r = self.ws.json_hits("Конституционный суд")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(any(h["lang"] == "ru" for h in hits))
        self.assertEqual(hits[0]["lang"], "ru")

    def test_kazakh_query(self):
        hits, r = self.ws.json_hits("Конституциялық сот")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(hits[0]["lang"], "kk")

    def test_footer_is_not_indexed(self):
        r = self.ws.query("Telegram")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout, "")
        self.assertIn("no matches", r.stderr)

    def test_text_output_has_plain_markers_when_piped(self):
        r = self.ws.query("ombudsman")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("1. ", r.stdout)
        self.assertRegex(r.stdout, r"\[[Oo]mbudsm[a-z]*\]")
        self.assertNotIn("\033[", r.stdout)

    def test_color_always_uses_ansi(self):
        r = self.ws.query("--color", "always", "ombudsman")
        self.assertIn("\033[1;31m", r.stdout)

    def test_trec_format(self):
        r = self.ws.query("--format", "trec", "--limit", "3", "court")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(len(lines), 3)
        for i, line in enumerate(lines, 1):
            qid, q0, docid, rank, score, tag = line.split()
            self.assertEqual((qid, q0, int(rank), tag), ("1", "Q0", i, "izdeu"))
            float(score)

    def test_batch_mode(self):
        path = os.path.join(self.ws.root, "queries.tsv")
        with open(path, "w", encoding="utf-8") as f:
            f.write("q1\tConstitutional Court\nq2\tсуд\nq3\tTelegram\n")
        r = self.ws.query("--batch", path, "--plain", "--format", "trec", "--limit", "5")
        self.assertEqual(r.returncode, 0, r.stderr)
        qids = {l.split()[0] for l in r.stdout.splitlines()}
        self.assertEqual(qids, {"q1", "q2"})

    def test_batch_side_by_side_gives_the_single_session_output(self):
        # --jobs answers queries in several sessions at once; what is printed, and in what
        # order (results, query errors and malformed lines alike), must not depend on it.
        words = ["Constitutional Court", "суд", "Telegram", "мектеп", "\"human rights\"", "ombudsman OR пенсия",
                 "court NEAR/5 appeals", "const*", "(court", "title:court", "Казахстан", "=\"Конституционный суд\"",
                 "date:2023-08..", "nothingmatcheswordxyz", "pension AND -court"]
        path = os.path.join(self.ws.root, "side_by_side.tsv")
        with open(path, "w", encoding="utf-8") as f:
            for i in range(60):
                f.write(f"q{i}\t{words[i % len(words)]}\n")
                if i == 17:
                    f.write("a line without a tab\n\n")
        for fmt in ("text", "json", "trec"):
            runs = [self.ws.query("--batch", path, "--format", fmt, "--limit", "5", "--jobs", str(j))
                    for j in (1, 2, 4)]
            for r in runs:
                self.assertEqual(r.returncode, 2, r.stderr)  # the malformed line and "(court"
            one = runs[0]
            self.assertIn("side_by_side.tsv:19: expected query-id<TAB>query", one.stderr)
            self.assertIn("query q8:", one.stderr)
            self.assertEqual(one.stderr.count("query q8:"), 1)
            if fmt == "json":  # the one field that is a measurement
                strip = lambda s: re.sub(r'"elapsed_ms":[0-9.e+-]+,', "", s)
                self.assertGreater(len(one.stdout.splitlines()), 100)
            else:
                strip = lambda s: s
            for r in runs[1:]:
                self.assertEqual(strip(r.stdout), strip(one.stdout), fmt)
                self.assertEqual(r.stderr, one.stderr, fmt)
        r = self.ws.query("--jobs", "2", "court")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--jobs needs --batch", r.stderr)
        r = self.ws.query("--batch", path, "--jobs", "0")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--jobs", r.stderr)

    def test_batch_timings(self):
        path = os.path.join(self.ws.root, "timed.tsv")
        with open(path, "w", encoding="utf-8") as f:
            f.write("q1\tConstitutional Court\nq2\tсуд\nq3\tTelegram\nq4\tмектеп\n")
        r = self.ws.query("--batch", path, "--format", "trec", "--timings")
        self.assertEqual(r.returncode, 0, r.stderr)
        line = [l for l in r.stderr.splitlines() if "timings" in l]
        self.assertEqual(len(line), 1, r.stderr)
        t = {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", line[0])}
        self.assertEqual(t["queries"], 4)
        self.assertTrue(0 < t["p50_ms"] <= t["p95_ms"] <= t["p99_ms"] <= t["max_ms"], t)
        self.assertLessEqual(t["mean_ms"], t["max_ms"])
        r = self.ws.query("--timings", "court")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--timings needs --batch", r.stderr)

    def test_count(self):
        r = self.ws.query("--count", "court")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertGreater(int(r.stdout.strip()), 3)

    def test_sort_by_date(self):
        hits, r = self.ws.json_hits("--sort", "date", "--limit", "20", "court")
        dates = [h["date"] for h in hits if h["date"]]
        self.assertEqual(dates, sorted(dates, reverse=True))

    def test_limit_and_offset(self):
        all_hits, _ = self.ws.json_hits("--limit", "6", "court")
        page, _ = self.ws.json_hits("--limit", "3", "--offset", "3", "court")
        self.assertEqual([h["id"] for h in page], [h["id"] for h in all_hits[3:6]])

    def test_duplicates_collapse(self):
        hits, _ = self.ws.json_hits("--limit", "50", "syndicated OR copy OR duplicate")
        collapsed = {h["id"]: h["duplicates"] for h in hits}
        all_hits, _ = self.ws.json_hits("--limit", "50", "--no-collapse", "syndicated OR copy OR duplicate")
        self.assertGreaterEqual(len(all_hits), len(hits))

    def test_explain(self):
        r = self.ws.query("--explain", "--limit", "1", "ombudsman")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"ombudsman \d")
        self.assertRegex(r.stdout, r"score [\d.]+ = words [\d.]+")

    def test_explain_parts_add_up_to_the_score(self):
        # Three re-ranked articles, so the page also holds hits past them (first-pass order).
        for query in ("constitutional court reform", "Конституционный суд", "budget"):
            r = self.ws.query("--format", "json", "--explain", "--limit", "8", "--rerank-docs", "3", query)
            self.assertEqual(r.returncode, 0, r.stderr)
            records = [json.loads(l) for l in r.stdout.splitlines()]
            hits = [h for h in records if h["type"] == "hit"]
            self.assertGreater(len(hits), 3, query)
            for h in hits:
                p = h["score_parts"]
                total = p["words"] + p["boosts_feedback"] + p["lead"] + p["coverage"] + p["order_cap"]
                self.assertAlmostEqual(total, h["score"], delta=1e-9 * max(1.0, h["score"]), msg=(query, h["id"], p))
                # 0 is a match by another script's name key alone, which carries no weight.
                self.assertGreaterEqual(p["words"], 0, (query, h["id"]))
                self.assertLessEqual(p["order_cap"], 0)
            self.assertGreater(hits[0]["score_parts"]["words"], 0, query)
            # The re-ranked three carry the lead, the coverage and the second pass; the rest only
            # their words.
            self.assertTrue(any(h["score_parts"]["lead"] > 0 for h in hits[:3]), query)
            self.assertTrue(all(h["score_parts"]["coverage"] > 0 for h in hits[:3]), query)
            for h in hits[3:]:
                self.assertEqual((h["score_parts"]["lead"], h["score_parts"]["boosts_feedback"],
                                  h["score_parts"]["coverage"]), (0, 0, 0), query)
            summary = records[-1]
            if query == "constitutional court reform":
                # An English query of several words: feedback added terms, and some hit gained from them.
                self.assertTrue(summary.get("feedback_terms"), summary)
                self.assertTrue(any(h["score_parts"]["boosts_feedback"] > 0 for h in hits[:3]))
            if query == "Конституционный суд":
                self.assertNotIn("feedback_terms", summary)  # no feedback for Cyrillic queries

    def test_lang_and_date_filters(self):
        hits, r = self.ws.json_hits("--limit", "100", "lang:ru date:2023")
        self.assertTrue(hits, r.stderr)
        for h in hits:
            self.assertEqual(h["lang"], "ru")
            self.assertTrue(h["date"].startswith("2023"))

    def test_query_error_points_at_column(self):
        r = self.ws.query('court "unbalanced')
        self.assertEqual(r.returncode, 2)
        self.assertIn("column 7", r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1)

    def test_only_punctuation(self):
        r = self.ws.query("!!!")
        self.assertEqual(r.returncode, 2)
        self.assertIn("only stop words or punctuation", r.stderr)

    def test_wildcard_too_broad_is_bounded(self):
        r = self.ws.query("a*")
        self.assertIn(r.returncode, (0, 1, 2))

    def test_did_you_mean(self):
        r = self.ws.query("constitutionl")
        self.assertIn("Did you mean: constitutional", r.stdout)
        hits, r = self.ws.json_hits("constitutionl")
        self.assertEqual(json.loads(r.stdout.splitlines()[-1])["suggestion"], "constitutional")

    def test_stats(self):
        r = run([bin_path("izdeu-index"), "--db", self.ws.db, "--stats=json"])
        self.assertEqual(r.returncode, 0, r.stderr)
        stats = json.loads(r.stdout)
        self.assertGreaterEqual(stats["documents"], 40)
        self.assertEqual(set(stats["languages"]), {"en", "ru", "kk"})
        self.assertTrue(stats["first_date"].startswith("2023"))

    def test_broken_pipe_is_quiet(self):
        p = subprocess.Popen(f"'{bin_path('izdeu-query')}' --db '{self.ws.db}' --limit 100 court | head -1",
                             shell=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        out, err = p.communicate(timeout=60)
        self.assertEqual(err, "")


class RankingTest(unittest.TestCase):
    """Which article of corpus/ comes first, for queries in all three languages."""

    FIRST = [
        ('"Constitutional Court"', "en/001_constitutional_court_first_year.txt"),
        ("Constitutional Court", "en/001_constitutional_court_first_year.txt"),
        ("ombudsman", "en/004_ombudsman_appeal_constitutional_court.txt"),
        ("budget 2024", "en/011_republican_budget_2024_2026.txt"),
        ("COVID-19 vaccination", "en/013_covid19_flu_vaccination.txt"),
        ("e-government", "en/014_e_government_new_services.txt"),
        ("Muller", "en/022_german_expert_water_saving.txt"),
        ("Конституционный суд", "ru/001_konstitucionnyj_sud_itogi_goda.txt"),
        ("Конституционного суда", "ru/001_konstitucionnyj_sud_itogi_goda.txt"),
        ("елка", "ru/005_glavnaya_yolka_astana.txt"),
        ("выборы", "ru/009_vybory_v_maslihaty_itogi.txt"),
        ("Конституциялық сот", "kk/001_konstitutsiyalyq_sot_otinishter.txt"),
        ("мектеп", "kk/003_zhana_mektepter_ashyldy.txt"),
        ("кітап", "kk/004_kitap_oqu_aptalygy.txt"),
    ]

    @classmethod
    def setUpClass(cls):
        cls.ws = Workspace()
        r = run([bin_path("izdeu-index"), "--db", cls.ws.db, "--quiet", os.path.join(ARGS.source_dir, "corpus")])
        assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        cls.ws.cleanup()

    def test_first_hits(self):
        for query, expected in self.FIRST:
            with self.subTest(query=query):
                hits, r = self.ws.json_hits("--limit", "3", query)
                self.assertTrue(hits, r.stderr)
                self.assertEqual(hits[0]["id"], expected)

    def test_a_page_past_the_reranked_articles_continues_in_the_first_pass_order(self):
        # Issue 18: boosts and feedback re-rank the first pass's best --rerank-docs articles; a
        # page reaching past them continues with the first pass's, scored below. The first pass
        # does not depend on the phrase, proximity, feedback or lead settings, so a run without
        # them has the same articles after the re-ranked ones, in the same order.
        query = "court ruling"
        no_boosts = ("--phrase-boost", "0", "--near-boost", "0", "--feedback-docs", "0", "--lead-boost", "0",
                     "--coverage-boost", "0")
        def ids(*args):
            hits, r = self.ws.json_hits("--limit", "8", "--no-snippets", "--rerank-docs", "3", *args, query)
            self.assertEqual(len(hits), 8, r.stderr)
            scores = [h["score"] for h in hits]
            self.assertEqual(scores, sorted(scores, reverse=True))
            return [h["id"] for h in hits]
        boosted, plain = ids(), ids(*no_boosts)
        self.assertEqual(sorted(boosted[:3]), sorted(plain[:3]))
        self.assertEqual(boosted[3:], plain[3:])
        # Re-ranking the whole window moves articles across that line.
        everything = [h["id"] for h in self.ws.json_hits("--limit", "8", "--no-snippets", query)[0]]
        self.assertNotEqual(sorted(everything[:3]), sorted(plain[:3]))
        # The first page is the same whether or not the page asked for goes past it.
        first_page = [h["id"] for h in self.ws.json_hits("--limit", "3", "--no-snippets", "--rerank-docs", "3", query)[0]]
        self.assertEqual(first_page, boosted[:3])

    def test_court_articles_rank_above_near_misses(self):
        hits, _ = self.ws.json_hits("--limit", "8", "Constitutional Court")
        ids = [h["id"] for h in hits]
        about = [i for i, h in enumerate(ids) if h[3:6] in ("001", "002", "003", "004", "005")]
        misses = [i for i, h in enumerate(ids) if h[3:6] in ("006", "007", "008", "009", "010")]
        self.assertEqual(len(about), 5, ids)
        self.assertTrue(not misses or max(about) < min(misses), ids)

    def test_keyboard_folding_finds_kazakh_letters(self):
        # Keyboard folding alone: the name key would add Казахстан and Kazakhstan (names_test.py).
        hits, r = self.ws.json_hits("--no-translit", "казакстан")
        self.assertTrue(hits, r.stderr)
        self.assertTrue(all(h["lang"] == "kk" for h in hits))

    def test_keyboard_folding_in_phrases_and_near_with_highlights(self):
        # Issue 15: Kazakh typed on a Russian keyboard works wherever a typed word works, and
        # what it found is highlighted.
        for query in ('"Конституциялык сот"', "Конституциялык NEAR/2 сот", '"Нурлан Абдикадыров"'):
            with self.subTest(query=query):
                hits, r = self.ws.json_hits(query)
                self.assertTrue(hits, r.stderr)
                self.assertTrue(all(h["lang"] == "kk" for h in hits), [h["id"] for h in hits])
                for h in hits:
                    marked = [h["snippet"][a:b] for a, b in self._char_ranges(h)]
                    self.assertTrue(any(m.startswith(("Конституциялық", "Нұрлан", "Әбдіқадыров")) for m in marked),
                                    (h["id"], marked))
        court = {h["id"] for h in self.ws.json_hits('"Конституциялык сот"')[0]}
        self.assertIn("kk/001_konstitutsiyalyq_sot_otinishter.txt", court)
        self.assertEqual(court, {h["id"] for h in self.ws.json_hits('"Конституциялық сот"')[0]})

    KK = "kk/{:03d}_{}.txt".format
    COURT = {KK(1, "konstitutsiyalyq_sot_otinishter"), KK(2, "konstitutsiyalyq_sot_askeri_zeinetaqy")}
    CONSTITUTIONAL = COURT | {KK(9, "konstitutsiyalyq_reforma_konstitutsiya_kuni")}
    SCHOOLS, OLYMPICS = KK(3, "zhana_mektepter_ashyldy"), KK(6, "olimpiada_parizh")
    # Issue 15: Kazakh typed on a Russian keyboard (қ->к, ә->а, ...) in every context of the query
    # grammar where a typed word works: (context, query, the articles found, words marked in
    # their snippets). The title:, exact and wildcard rows found nothing before the index's
    # Kazakh spellings were looked up (query/keyboard_spellings.h).
    FOLDED = [
        ("word", "Конституциялык", CONSTITUTIONAL, {"Конституциялық"}),
        ("+word", "+Конституциялык", CONSTITUTIONAL, {"Конституциялық"}),
        ("-word", "мектеп -Казакстанда", {KK(4, "kitap_oqu_aptalygy"), OLYMPICS}, {"мектеп", "мектебі"}),
        ("phrase", '"Конституциялык сот"', COURT, {"Конституциялық сот"}),
        ("exact phrase", '="Конституциялык сотка"', COURT, {"Конституциялық сотқа"}),
        ("exact word", "=сотка", COURT, {"сотқа"}),
        ("NEAR", "Конституциялык NEAR/2 сот", COURT, {"Конституциялық", "сот"}),
        ("NEAR exact", 'Конституциялык NEAR/3 ="сотка"', COURT, {"Конституциялық", "сотқа"}),
        ("AND", "Конституциялык AND сот", COURT, {"Конституциялық", "сот"}),
        ("names phrase", '"Нурлан Абдикадыров"', {KK(9, "konstitutsiyalyq_reforma_konstitutsiya_kuni")},
         {"Нұрлан Әбдіқадыров"}),
        ("title: word", "title:Конституциялык", CONSTITUTIONAL, {"Конституциялық"}),
        ("title: inflected", "title:Казакстанда", {SCHOOLS}, {"Қазақстанда"}),
        ("title: stem", "title:укимет", {KK(7, "elektrondyq_ukimet_zhana_qyzmetter")}, {"үкімет"}),
        ("title: phrase", 'title:"Конституциялык сот"', COURT, {"Конституциялық сот"}),
        ("title: exact", 'title:="Конституциялык сот"', {KK(2, "konstitutsiyalyq_sot_askeri_zeinetaqy")},
         {"Конституциялық сот"}),
        ("title: NEAR", "title:(Конституциялык NEAR/3 сот)", COURT, {"Конституциялық", "сот"}),
        ("title: OR", "title:(Конституциялык OR мектеп)", CONSTITUTIONAL | {SCHOOLS}, {"Конституциялық", "мектеп"}),
        ("title: NOT", "title:Конституциялык NOT title:сот", {KK(9, "konstitutsiyalyq_reforma_konstitutsiya_kuni")},
         {"Конституциялық"}),
        ("+title:", "+title:укимет сот", {KK(7, "elektrondyq_ukimet_zhana_qyzmetter")}, {"үкімет"}),
        ("title: wildcard", "title:Казакстан*", {SCHOOLS, OLYMPICS}, {"Қазақстан"}),
        ("wildcard", "мектептерди*", {SCHOOLS}, {"мектептерді"}),
        ("credit:", "credit:Денсаулык --no-translit", {KK(8, "vaktsinatsiya_tumau_covid")}, set()),
    ]

    def test_keyboard_folding_in_every_query_context(self):
        for context, query, expected, marked_words in self.FOLDED:
            with self.subTest(context=context, query=query):
                args = query.split(" --")
                hits, r = self.ws.json_hits("--limit", "20", *["--" + a for a in args[1:]], args[0])
                self.assertEqual({h["id"] for h in hits}, expected, r.stderr)
                # Found as typed on a Russian keyboard: not a typo, so no "did you mean".
                summary = json.loads(r.stdout.splitlines()[-1])
                self.assertIsNone(summary["suggestion"])
                marked = set()
                for h in hits:
                    marked |= {h["snippet"][a:b] for a, b in self._char_ranges(h)}
                    if marked_words:
                        self.assertTrue(any(m.startswith(tuple(marked_words)) for m in marked), (h["id"], marked))
                self.assertTrue(marked_words <= marked, marked)

    def test_keyboard_folding_keeps_what_typed_words_find(self):
        # Typed with the Kazakh letters, a word that the index has is not folded in any context,
        # nor is an exact word that the index has as typed (=мажилис: the Russian articles only);
        # a Russian word that looks like folded Kazakh keeps its articles, scores and order, and
        # the Kazakh ones its fold finds come after them.
        for query in ("title:Конституциялық", '="Конституциялық сотқа"', "қазақст*", "title:Қазақстанда", "=мажилис"):
            with self.subTest(query=query):
                self.assertEqual(self.scores(query), self.scores("--keyboard-weight", "0", query))
        for query in ("title:мажилис", "title:каза*", "кара*", "title:Казахстане"):
            with self.subTest(query=query):
                hits, r = self.ws.json_hits("--no-snippets", "--limit", "20", query)
                typed, _ = self.ws.json_hits("--no-snippets", "--limit", "20", "--keyboard-weight", "0", query)
                self.assertTrue(typed, r.stderr)
                self.assertEqual([(h["id"], h["score"]) for h in hits[:len(typed)]],
                                 [(h["id"], h["score"]) for h in typed])
                self.assertTrue(all(h["lang"] == "kk" for h in hits[len(typed):]), [h["id"] for h in hits])

    @staticmethod
    def _char_ranges(hit):
        # Highlights are byte offsets into the UTF-8 snippet.
        raw = hit["snippet"].encode("utf-8")
        return [(len(raw[:a].decode("utf-8", "replace")), len(raw[:b].decode("utf-8", "replace")))
                for a, b in hit["highlights"]]

    def scores(self, *args):
        hits, r = self.ws.json_hits("--limit", "5", "--no-snippets", *args)
        self.assertTrue(hits, r.stderr)
        return [(h["id"], round(h["score"], 6)) for h in hits]

    def test_feedback_only_for_latin_queries(self):
        # Measured on the judged collections (EVALUATION.md): feedback helps English queries and
        # hurts Russian and Kazakh ones, so Cyrillic queries rank as if it were off.
        for query in ("выборы", "Конституционный суд", "мектеп"):
            with self.subTest(query=query):
                default = self.scores(query)
                self.assertEqual(default, self.scores("--feedback-weight", "0", query))
                self.assertNotEqual(default, self.scores("--feedback-cyrillic", query))
        self.assertNotEqual(self.scores("ombudsman"), self.scores("--feedback-weight", "0", "ombudsman"))

    def test_no_keyboard_folding_for_words_typed_with_kazakh_letters(self):
        self.assertEqual(self.scores("Қазақстан"), self.scores("--keyboard-weight", "0", "Қазақстан"))
        hits, _ = self.ws.json_hits("--keyboard-weight", "0", "--no-translit", "казакстан")
        self.assertFalse(hits, "without folded forms a Russian-keyboard spelling finds nothing here")


class RankingCase(unittest.TestCase):
    """A workspace (made by setUp) whose articles are ranked for a query, by id."""

    def tearDown(self):
        self.ws.cleanup()

    def ranking(self, *args):
        hits, r = self.ws.json_hits("--no-snippets", *args)
        self.assertTrue(hits, r.stderr)
        return [h["id"] for h in hits]


class LeadTest(RankingCase):
    """An article that names the query's words in its title or first words is about them."""

    FILLER = ("harbour lantern orchard pebble meadow violin saddle copper thimble walnut "
              "ribbon anchor basket candle ladder mirror pillow quarry ferry tunnel ").split()

    def setUp(self):
        self.ws = Workspace()
        filler = " ".join(self.FILLER * 3)  # 60 words
        # "leads" names the words first; "mentions" has them twice, after 60 other words, so
        # that by its words alone it ranks first.
        self.ws.write("leads.txt", article("Weekly notes", "The glacier survey began. " + filler))
        self.ws.write("mentions.txt", article("Weekly notes", filler + " The glacier survey began; the glacier "
                                              "survey ended."))
        self.ws.write("titled.txt", article("Glacier survey results", filler + " " + filler))
        self.assertEqual(self.ws.index().returncode, 0)

    def test_lead_ranks_the_article_about_the_words_first(self):
        ranking = self.ranking("--lead-boost", "0", "glacier", "survey")
        self.assertLess(ranking.index("mentions.txt"), ranking.index("leads.txt"), ranking)
        ranking = self.ranking("glacier", "survey")
        self.assertLess(ranking.index("leads.txt"), ranking.index("mentions.txt"), ranking)

    def test_titled_article_still_ranks_above_a_late_mention(self):
        ranking = self.ranking("glacier", "survey")
        self.assertLess(ranking.index("titled.txt"), ranking.index("mentions.txt"), ranking)


class LeadByRelatedWordTest(RankingCase):
    """A headline's word counts as in the lead when the lead has another word of its family
    (German, Germany), which the stemmer keeps apart."""

    def setUp(self):
        self.ws = Workspace()
        filler = " ".join(LeadTest.FILLER * 3)  # 60 words
        # By the words alone "rival" ranks first (German twice); both open with "economy", and
        # only "related" opens with a word of German's family.
        self.ws.write("related.txt", article("Weekly notes", "Germany saw its economy grow. " + filler +
                                             " The German economy."))
        self.ws.write("rival.txt", article("Weekly notes", "The economy grew. " + filler +
                                           " The German economy; the German view."))
        self.ws.write("other.txt", article("Weekly notes", "The glacier survey began. " + filler))
        self.assertEqual(self.ws.index().returncode, 0)

    def test_a_related_word_in_the_lead_counts(self):
        ranking = self.ranking("--lead-prefix", "0", "German", "economy")
        self.assertLess(ranking.index("rival.txt"), ranking.index("related.txt"), ranking)
        ranking = self.ranking("German", "economy")
        self.assertLess(ranking.index("related.txt"), ranking.index("rival.txt"), ranking)


class DerivedNameTest(RankingCase):
    """A place's name and the words derived from it find each other (common/derived_names.h):
    Chinese finds an article that says only China, below the article that says Chinese."""

    def setUp(self):
        self.ws = Workspace()
        filler = " ".join(LeadTest.FILLER)
        self.ws.write("china.txt", article("Trade notes", "Exports from China rose in March. " + filler))
        self.ws.write("chinese.txt", article("Trade notes", "Chinese exports rose in March. " + filler))
        self.ws.write("brazil.txt", article("Trade notes", "Exports from Brazil rose in March. " + filler))
        self.ws.write("bird.txt", article("Holiday notes", "The farm sold a turkey for the holiday dinner. " + filler))
        self.ws.write("state.txt", article("Summit notes", "Officials said that Turkey will host the summit. " + filler))
        self.ws.write("turkish.txt", article("Summit notes", "The Turkish officials will host the summit. " + filler))
        self.ws.write("rossii.txt", article("Заметки", "Экспорт России вырос в марте, сообщили в правительстве."))
        self.ws.write("rossiyskie.txt", article("Заметки", "Российские компании увеличили экспорт в марте."))
        self.assertEqual(self.ws.index().returncode, 0)

    def ids(self, *args):
        hits, _ = self.ws.json_hits("--no-snippets", *args)
        return [h["id"] for h in hits]

    def test_chinese_finds_china_below_chinese(self):
        self.assertEqual(self.ranking("Chinese"), ["chinese.txt", "china.txt"])
        # Found, ranked by the query's other words: China's article ties with Brazil's.
        ranking = self.ranking("Chinese", "exports")
        self.assertEqual(ranking[0], "chinese.txt")
        self.assertEqual(set(ranking[1:]), {"china.txt", "brazil.txt"})
        self.assertEqual(self.ranking("China"), ["china.txt", "chinese.txt"])
        # Off, and never for an exact word.
        self.assertEqual(self.ids("--no-derived-names", "Chinese"), ["chinese.txt"])
        self.assertEqual(self.ids("=Chinese"), ["chinese.txt"])
        self.assertEqual(self.ids('="Chinese exports"'), ["chinese.txt"])

    def test_an_ambiguous_word_is_a_place_only_when_capitalised(self):
        # turkey the bird: lower case finds only the word; Turkey capitalised also finds Turkish;
        # Turkish finds Turkey only where an article writes it capitalised inside a sentence.
        self.assertEqual(set(self.ids("turkey")), {"bird.txt", "state.txt"})
        self.assertEqual(set(self.ids("Turkey")), {"bird.txt", "state.txt", "turkish.txt"})
        self.assertEqual(set(self.ids("Turkish")), {"turkish.txt", "state.txt"})

    def test_russian_adjective_finds_the_country_and_is_highlighted(self):
        self.assertEqual(self.ranking("российский"), ["rossiyskie.txt", "rossii.txt"])
        self.assertEqual(self.ranking("Россия"), ["rossii.txt", "rossiyskie.txt"])
        hits, _ = self.ws.json_hits("российский")
        found = {h["id"]: h for h in hits}["rossii.txt"]
        raw = found["snippet"].encode("utf-8")
        self.assertIn("России", [raw[a:b].decode("utf-8") for a, b in found["highlights"]])


class LeadSlotTest(RankingCase):
    """The indexer keeps each article's lead terms in a value slot (common/lead_terms.h) and says
    so in the index; searches read the lead from it, and rank exactly as from the positions."""

    setUp = LeadByRelatedWordTest.setUp

    def metadata(self, value=None):
        if value is None:
            return run(["xapian-metadata", "get", self.ws.db, "izdeu:lead-terms"]).stdout.strip()
        self.assertEqual(run(["xapian-metadata", "set", self.ws.db, "izdeu:lead-terms", value]).returncode, 0)
        return value

    def results(self):
        out = []
        for query in (["German", "economy"], ["glacier", "survey"], ["economy"], ["--lead-prefix", "0", "German"]):
            hits, _ = self.ws.json_hits("--no-snippets", *query)
            out.append([(h["id"], h["score"]) for h in hits])
        return out

    def test_the_indexer_writes_the_slot_and_it_ranks_as_the_positions(self):
        self.assertEqual(self.metadata(), "words 30 family 5")
        from_slot = self.results()
        self.metadata("")  # as an index made before the slot: positions are read
        self.assertEqual(self.results(), from_slot)

    def test_a_later_run_keeps_the_slot_usable(self):
        self.ws.write("later.txt", article("Weekly notes", "Germany and its economy. " + " ".join(LeadTest.FILLER)))
        self.assertEqual(self.ws.index().returncode, 0)
        self.assertEqual(self.metadata(), "words 30 family 5")
        ranking = self.ranking("German", "economy")
        self.assertLess(ranking.index("related.txt"), ranking.index("rival.txt"), ranking)


class SeedArticleTest(unittest.TestCase):
    """The real article in ../shared/seed (read from there, never copied into the repository)."""

    def test_seed_article_through_both_tools(self):
        seed = os.path.join(ARGS.source_dir, "..", "shared", "seed")
        if not os.path.isdir(seed):
            self.skipTest("no ../shared/seed beside the checkout")
        ws = Workspace()
        try:
            r = run([bin_path("izdeu-index"), "--db", ws.db, "--quiet", seed])
            self.assertEqual(r.returncode, 0, r.stderr)
            hits, r = ws.json_hits('"Constitutional Court"')
            self.assertEqual(len(hits), 1, r.stderr)
            h = hits[0]
            self.assertEqual(h["title"], "Head of State Tokayev meets with ombudsmen and human rights leaders")
            self.assertEqual(h["credit"], "Akorda")
            self.assertEqual(h["date"], "2023-08-29T16:29")
            self.assertEqual(h["lang"], "en")
            self.assertTrue(h["id"].endswith(".txt"))
            self.assertIn("Constitutional", h["snippet"])
            r = ws.query("Telegram")
            self.assertEqual(r.returncode, 1)
            self.assertEqual(r.stdout, "")
        finally:
            ws.cleanup()


class ExitCodeTest(unittest.TestCase):
    def setUp(self):
        self.ws = Workspace()

    def tearDown(self):
        self.ws.cleanup()

    def test_missing_database_is_exit_3(self):
        r = self.ws.query("court")
        self.assertEqual(r.returncode, 3)
        self.assertIn("no izdeu database", r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1)

    def test_usage_errors_are_exit_2(self):
        self.assertEqual(self.ws.query().returncode, 2)
        self.assertEqual(self.ws.query("--format", "xml", "x").returncode, 2)
        self.assertEqual(run([bin_path("izdeu-index"), "--db", self.ws.db]).returncode, 2)
        self.assertEqual(run([bin_path("izdeu-index"), "--bogus"]).returncode, 2)
        self.assertFalse(os.path.exists(self.ws.db))

    def test_environment_and_default_location(self):
        self.ws.write("a.txt", article("Ombudsman report", "The ombudsman published a report."))
        env = {"IZDEU_DB": self.ws.db}
        r = run([bin_path("izdeu-index"), "--quiet", self.ws.corpus], env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout + r.stderr, "")  # silent on success, for cron
        r = run([bin_path("izdeu-query"), "ombudsman"], env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        home = os.path.join(self.ws.root, "home")
        r = run([bin_path("izdeu-index"), "--quiet", self.ws.corpus], env={"HOME": home, "XDG_DATA_HOME": ""})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.isdir(os.path.join(home, ".local/share/izdeu/db")))

    def test_incompatible_database_is_refused(self):
        self.ws.write("a.txt", article("Ombudsman report", "The ombudsman published a report."))
        self.assertEqual(self.ws.index("--no-stemming").returncode, 0)
        r = self.ws.index()
        self.assertEqual(r.returncode, 3)
        self.assertIn("--rebuild", r.stderr)
        r = self.ws.index("--rebuild")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.ws.query("ombudsman").returncode, 0)


class IncrementalIndexingTest(unittest.TestCase):
    def setUp(self):
        self.ws = Workspace()
        self.ws.write("en/one.txt", article("Ombudsman meets citizens", "The ombudsman met citizens in Astana."))
        self.ws.write("en/two.txt", article("Budget adopted", "The Senate adopted the budget for 2024."))
        self.ws.write("ru/three.txt", article("Суд рассмотрел дело", "Районный суд рассмотрел дело о земле.",
                                              credit="Tengrinews"))

    def tearDown(self):
        self.ws.cleanup()

    def test_first_run_and_no_change_rerun(self):
        s = self.ws.summary(self.ws.index())
        self.assertEqual((s["added"], s["failed"]), (3, 0))
        before = {f: os.stat(os.path.join(self.ws.db, f)).st_mtime_ns for f in os.listdir(self.ws.db)}
        r = self.ws.index()
        self.assertEqual(r.returncode, 0)
        s = self.ws.summary(r)
        self.assertEqual((s["added"], s["updated"], s["unchanged"], s["deleted"]), (0, 0, 3, 0))

    def test_touched_file_with_same_content_is_not_reindexed(self):
        self.ws.index()
        path = os.path.join(self.ws.corpus, "en/one.txt")
        os.utime(path, (time.time() + 10, time.time() + 10))
        s = self.ws.summary(self.ws.index())
        self.assertEqual((s["added"], s["updated"], s["unchanged"]), (0, 0, 3))

    def test_edited_file_is_updated(self):
        self.ws.index()
        self.ws.write("en/two.txt", article("Budget adopted", "The Senate adopted the zebra budget."))
        os.utime(os.path.join(self.ws.corpus, "en/two.txt"), (time.time() + 5, time.time() + 5))
        s = self.ws.summary(self.ws.index())
        self.assertEqual((s["added"], s["updated"]), (0, 1))
        hits, _ = self.ws.json_hits("zebra")
        self.assertEqual([h["id"] for h in hits], ["en/two.txt"])
        self.assertEqual(self.ws.query("--count", "budget").stdout.strip(), "1")

    def test_deleted_file_is_removed_unless_no_delete(self):
        self.ws.index()
        os.remove(os.path.join(self.ws.corpus, "en/one.txt"))
        s = self.ws.summary(self.ws.index("--no-delete"))
        self.assertEqual(s["deleted"], 0)
        s = self.ws.summary(self.ws.index())
        self.assertEqual(s["deleted"], 1)
        self.assertEqual(self.ws.query("ombudsman").returncode, 1)

    def test_jsonl_edit_and_removed_line(self):
        lines = [{"id": "a", "title": "Alpha", "text": "first ombudsman story"},
                 {"id": "b", "title": "Beta", "text": "second story about courts"},
                 {"id": "c", "title": "Gamma", "text": "third story", "lang": "en", "date": "2023-05-01"}]
        self.ws.write("feed.jsonl", "\n".join(json.dumps(l) for l in lines) + "\n")
        s = self.ws.summary(self.ws.index())
        self.assertEqual(s["added"], 6)  # 3 txt + 3 jsonl
        lines[1]["text"] = "second story about a kangaroo"
        del lines[2]
        self.ws.write("feed.jsonl", "\n".join(json.dumps(l) for l in lines) + "\n")
        os.utime(os.path.join(self.ws.corpus, "feed.jsonl"), (time.time() + 5, time.time() + 5))
        s = self.ws.summary(self.ws.index())
        self.assertEqual(s["deleted"], 1)
        hits, _ = self.ws.json_hits("kangaroo")
        self.assertEqual([h["id"] for h in hits], ["b"])
        self.assertEqual(self.ws.query("id:c").returncode, 1)

    def test_spelling_dictionary_takes_every_word(self):
        # Issue 19: every word of every article enters the dictionary, so a word of one article's
        # body can be suggested in a small archive (and checkpoints decide nothing).
        self.ws.write("en/four.txt", article("Wombat sanctuary opens",
                                             "Eucalyptus groves and eucalyptus oil. One marsupial, "
                                             "marsupial, marsupial."))
        self.ws.write("en/five.txt", article("Koalas counted", "The eucalyptus forest was surveyed."))
        self.assertEqual(self.ws.index().returncode, 0)
        for typo, word in (("wombot", "wombat"), ("eucalyptos", "eucalyptus"), ("marsupail", "marsupial")):
            with self.subTest(typo=typo):
                self.assertIn("Did you mean: " + word, self.ws.query(typo).stdout)

    def test_rebuild_holds_spelling_words_across_checkpoints(self):
        # One article per checkpoint: a fresh build counts the body words of several
        # checkpoints together, and writes what it held back at its last commit.
        self.ws.write("en/four.txt", article("Wombat sanctuary opens", "Eucalyptus groves nearby."))
        self.ws.write("en/five.txt", article("Koalas counted", "The eucalyptus forest was surveyed."))
        r = self.ws.index("--rebuild", "--commit-every", "1")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Did you mean: eucalyptus", self.ws.query("eucalyptos").stdout)
        self.assertIn("Did you mean: wombat", self.ws.query("wombot").stdout)

    def test_large_feed_is_streamed_in_batches(self):
        # 700 articles, so the feed is written in many batches (indexer.cpp streams
        # feeds): ids seen in early batches must survive, a duplicate id in a later batch wins,
        # and lines removed from anywhere in the feed are deleted on the next run.
        lines = [{"id": "n%d" % i, "title": "Item %d" % i, "text": "numbat report %d" % i} for i in range(700)]
        lines[10]["text"] = "an early echidna line"
        lines.append({"id": "n10", "title": "Item 10 again", "text": "a later quokka line"})
        path = os.path.join(self.ws.corpus, "big.jsonl.gz")
        with gzip.open(path, "wt", encoding="utf-8") as f:
            f.write("\ufeff" + "\n".join(json.dumps(l) for l in lines) + "\n")
        r = self.ws.index()
        self.assertEqual(r.returncode, 1, r.stderr)  # the duplicate id is reported
        self.assertIn("big.jsonl.gz:701: duplicate id \"n10\"", r.stderr)
        self.assertEqual(self.ws.summary(r)["added"], 3 + 700)
        self.assertEqual(int(self.ws.query("--count", "numbat").stdout), 699)
        self.assertEqual(self.ws.query("echidna").returncode, 1)
        hits, _ = self.ws.json_hits("quokka")
        self.assertEqual([h["id"] for h in hits], ["n10"])
        kept = [l for i, l in enumerate(lines[:700]) if i % 7 != 4] + [lines[700]]
        with gzip.open(path, "wt", encoding="utf-8") as f:
            f.write("\n".join(json.dumps(l) for l in kept) + "\n")
        os.utime(path, (time.time() + 5, time.time() + 5))
        s = self.ws.summary(self.ws.index())
        self.assertEqual(s["deleted"], 100)
        self.assertEqual(int(self.ws.query("--count", "numbat").stdout), 599)
        self.assertEqual(self.ws.query("id:n4").returncode, 1)
        self.assertEqual(self.ws.query("id:n699").returncode, 0)

    def test_creation_killed_before_the_version_file_is_redone(self):
        # What a kill during Xapian's database creation leaves: table files, a lock file, the
        # version file still a temporary. The next run must create the database, not fail.
        os.makedirs(self.ws.db)
        for name, data in (("flintlock", ""), ("postlist.glass", ""), ("termlist.glass", ""), ("v.tmp", "x" * 77)):
            with open(os.path.join(self.ws.db, name), "w") as f:
                f.write(data)
        r = self.ws.index()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.ws.query("ombudsman").returncode, 0)

    def test_feed_killed_midway_converges(self):
        # A feed is committed batch by batch; its record only with the last one. Killed midway,
        # the database stays whole, and the next run reads the feed again and completes it.
        lines = [{"id": "k%d" % i, "title": "Kill test %d" % i,
                  "text": "bilby report %d with some words to analyze" % i} for i in range(20000)]
        with open(os.path.join(self.ws.corpus, "kill.jsonl"), "w", encoding="utf-8") as f:
            f.write("\n".join(json.dumps(l) for l in lines) + "\n")
        proc = subprocess.Popen([bin_path("izdeu-index"), "--db", self.ws.db, "--quiet", "--commit-every", "100",
                                 self.ws.corpus], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.0)
        proc.kill()
        proc.wait()
        killed_midway = self.ws.query("--count", "bilby")
        print("(articles committed when killed: %s)" % killed_midway.stdout.strip(), file=sys.stderr)
        if shutil.which("xapian-check"):
            check = run(["xapian-check", self.ws.db])
            self.assertEqual(check.returncode, 0, check.stdout[-2000:])
        r = self.ws.index()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(int(self.ws.query("--count", "bilby").stdout), 20000)
        self.assertEqual(self.ws.summary(self.ws.index())["unchanged"], 4)  # 3 txt + the feed

    def test_gzip_inputs(self):
        with gzip.open(os.path.join(self.ws.corpus, "packed.txt.gz"), "wt", encoding="utf-8") as f:
            f.write(article("Packed article", "A compressed platypus article."))
        with gzip.open(os.path.join(self.ws.corpus, "feed.jsonl.gz"), "wt", encoding="utf-8") as f:
            f.write(json.dumps({"id": "z1", "title": "Zipped", "text": "a wombat in a jsonl"}) + "\n")
        r = self.ws.index()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.ws.query("platypus").returncode, 0)
        self.assertEqual(self.ws.query("wombat").returncode, 0)

    def test_legacy_russian_encodings(self):
        text = article("Новости суда", "Конституционный суд рассмотрел жалобу гражданина о пенсии.",
                       credit="Tengrinews")
        self.ws.write("ru/cp1251.txt", text, encoding="cp1251")
        self.ws.write("ru/koi8.txt", text.replace("пенсии", "налогах"), encoding="koi8_r")
        r = self.ws.index()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("converted from windows-1251", r.stderr)
        self.assertIn("converted from KOI8-R", r.stderr)
        hits, _ = self.ws.json_hits("пенсия")
        self.assertEqual([h["id"] for h in hits], ["ru/cp1251.txt"])
        hits, _ = self.ws.json_hits("налог")
        self.assertEqual([h["id"] for h in hits], ["ru/koi8.txt"])
        self.assertEqual(hits[0]["title"], "Новости суда")

    def test_utf16_article(self):
        self.ws.write("en/utf16.txt", article("Wide text", "A utf sixteen echidna."), encoding="utf-16")
        r = self.ws.index()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.ws.query("echidna").returncode, 0)

    def test_binary_file_is_skipped_and_named(self):
        self.ws.write("en/picture.txt", bytes(range(256)) * 10, mode="wb")
        r = self.ws.index()
        self.assertEqual(r.returncode, 1)
        self.assertIn("picture.txt", r.stderr)
        self.assertIn("binary", r.stderr)
        s = self.ws.summary(r)
        self.assertEqual((s["added"], s["failed"]), (3, 1))
        # Remembered, and retried on the next run.
        stats = json.loads(run([bin_path("izdeu-index"), "--db", self.ws.db, "--stats=json"]).stdout)
        self.assertEqual(len(stats["failed_files"]), 1)
        self.assertEqual(self.ws.index().returncode, 1)

    def test_locked_database_exits_75(self):
        self.ws.index()
        holder = subprocess.Popen([os.path.join(ARGS.bin_dir, "tests", "izdeu_lock_holder"), self.ws.db],
                                  stdout=subprocess.PIPE, text=True)
        try:
            self.assertEqual(holder.stdout.readline().strip(), "locked")
            start = time.time()
            r = self.ws.index("--lock-timeout", "1")
            self.assertEqual(r.returncode, 75, r.stderr)
            self.assertIn("another izdeu-index", r.stderr)
            self.assertLess(time.time() - start, 30)
        finally:
            holder.kill()
            holder.wait()
            holder.stdout.close()
        self.assertEqual(self.ws.index().returncode, 0)

    def test_max_runtime_resumes_next_run(self):
        r = self.ws.index("--max-runtime", "0")
        self.assertEqual(r.returncode, 0, r.stderr)
        s = self.ws.summary(r)
        self.assertTrue(s.get("stopped_early"))
        self.assertEqual(s["added"], 0)
        s = self.ws.summary(self.ws.index())
        self.assertEqual(s["added"], 3)

    def test_summary_counts_duplicates(self):
        body = "Syndicated text about the ombudsman and the court."
        self.ws.write("en/copy1.txt", article("Copy one", body, credit="Kazinform"))
        self.ws.write("en/copy2.txt", article("Copy two", body, credit="El.kz"))
        s = self.ws.summary(self.ws.index())
        self.assertEqual(s["duplicates"], 1)
        hits, _ = self.ws.json_hits("syndicated")
        self.assertEqual(len(hits), 1)
        self.assertEqual(hits[0]["duplicates"], 1)
        hits, _ = self.ws.json_hits("--no-collapse", "syndicated")
        self.assertEqual(len(hits), 2)

    def test_a_copy_indexed_later_collapses_with_the_first(self):
        # Only articles with a copy carry the collapse key; the earlier one gets it when its
        # copy arrives, and an edit that ends the copying does not break the search.
        body = "Syndicated text about the wheat harvest and the railway."
        self.ws.write("en/copy1.txt", article("Copy one", body, credit="Kazinform"))
        self.assertEqual(self.ws.index().returncode, 0)
        self.ws.write("en/copy2.txt", article("Copy two", body, credit="El.kz"))
        s = self.ws.summary(self.ws.index())
        self.assertEqual((s["added"], s["duplicates"]), (1, 1))
        hits, _ = self.ws.json_hits("wheat harvest")
        self.assertEqual([h["duplicates"] for h in hits], [1])
        self.ws.write("en/copy2.txt", article("Copy two", "Own text about the wheat harvest.", credit="El.kz"))
        self.assertEqual(self.ws.index().returncode, 0)
        hits, _ = self.ws.json_hits("wheat harvest")
        self.assertEqual(sorted(h["duplicates"] for h in hits), [0, 0])

    def test_bad_jsonl_lines_are_reported_and_the_rest_indexed(self):
        self.ws.write("feed.jsonl", '{"id": "ok1", "text": "fine aardvark"}\nnot json\n{"text": "no id"}\n'
                                    '{"id": 5, "text": "numeric id aardvark"}\n{"id": "t", "title": ["not", "a", "string"]}\n')
        r = self.ws.index()
        self.assertEqual(r.returncode, 1)
        self.assertIn("feed.jsonl:2: not a JSON object", r.stderr)
        self.assertIn("feed.jsonl:3: missing \"id\"", r.stderr)
        self.assertIn("feed.jsonl:5: a field has the wrong type", r.stderr)
        self.assertEqual(self.ws.query("--count", "aardvark").stdout.strip(), "2")


class RebuildInPartsTest(unittest.TestCase):
    """A --rebuild with several jobs writes the single-layout index as parts in parallel and
    merges them when it publishes: the result must be the index one writer makes."""

    WORDS = ("court ombudsman senate budget reform election water steppe grain railway oil "
             "pension school hospital satellite wheat bridge airport tariff drought").split()

    def setUp(self):
        self.ws = Workspace()
        for i in range(60):
            words = [self.WORDS[(i * 7 + k * 3) % len(self.WORDS)] for k in range(12)]
            self.ws.write("en/a%02d.txt" % i, article("Report %d on %s" % (i, words[0]),
                                                      "Officials discussed %s in meeting %d." % (" and ".join(words), i)))
        # Copies under different ids (syndicated news): counted once each, whatever part they land in.
        for i in range(6):
            self.ws.write("copies/c%d.txt" % i, article("Copy %d" % i, "Syndicated story about the grain harvest."))
        # The same id in two feeds: the second is refused (exit 1), whichever part gets the first.
        self.ws.write("feed1.jsonl", json.dumps({"id": "same", "title": "First", "text": "aardvark one"}) + "\n")
        self.ws.write("feed2.jsonl", json.dumps({"id": "same", "title": "Second", "text": "aardvark two"}) + "\n")

    def tearDown(self):
        self.ws.cleanup()

    def build(self, db, jobs):
        r = run([bin_path("izdeu-index"), "--db", db, "--summary=json", "--rebuild", "-j", str(jobs), self.ws.corpus])
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn('article id "same" is already given by', r.stderr)
        self.assertEqual(self.ws.summary(r)["failed"], 1)
        return self.ws.summary(r)

    def results(self, db, query):
        # Without feedback: which of several equally scored articles make the feedback set
        # depends on docid order, which the merge changes; the index itself must not differ.
        r = run([bin_path("izdeu-query"), "--db", db, "--format", "json", "--no-snippets", "--feedback-docs", "0",
                 "-n", "100", query])
        hits = [h for h in map(json.loads, r.stdout.splitlines()) if h["type"] == "hit"]
        return sorted((h["id"], round(h["score"], 6)) for h in hits)

    def test_parts_give_the_same_index_as_one_writer(self):
        one = os.path.join(self.ws.root, "one")
        parts = os.path.join(self.ws.root, "parts")
        s1, s4 = self.build(one, 1), self.build(parts, 4)
        self.assertEqual((s1["added"], s1["failed"]), (s4["added"], s4["failed"]))
        self.assertEqual((s1["duplicates"], s4["duplicates"]), (5, 5))
        sharded = os.path.join(self.ws.root, "sharded")
        s2 = self.ws.summary(run([bin_path("izdeu-index"), "--db", sharded,
                                  "--summary=json", "--rebuild", "--shards", "3", self.ws.corpus]))
        self.assertEqual(s2["duplicates"], 5)
        # The six copies collapse into one hit wherever they landed.
        for db in (one, parts, sharded):
            r = run([bin_path("izdeu-query"), "--db", db, "--format", "json", "--no-snippets", "syndicated"])
            hits = [h for h in map(json.loads, r.stdout.splitlines()) if h["type"] == "hit"]
            self.assertEqual([h["duplicates"] for h in hits], [5], db)
        # Merged into one database, nothing left beside it.
        self.assertTrue(os.path.exists(os.path.join(parts, "iamglass")))
        self.assertEqual(sorted(n for n in os.listdir(self.ws.root) if n.startswith("parts")), ["parts"])
        for q in ("court", "senate budget", '"water steppe"', "oil OR wheat", "aardvark"):
            with self.subTest(q=q):
                self.assertEqual(self.results(one, q), self.results(parts, q))
        self.assertEqual(self.results(parts, "aardvark"), self.results(one, "aardvark"))
        self.assertEqual(len(self.results(parts, "aardvark")), 1)
        # Spelling words come from their own part.
        self.assertIn("Did you mean: ombudsman", run([bin_path("izdeu-query"), "--db", parts, "ombudsmen"]).stdout)
        # The merged index takes the cron case: an edit, a deletion.
        self.ws.write("en/a00.txt", article("Report 0 revised", "A zebra crossed the railway."))
        os.utime(os.path.join(self.ws.corpus, "en/a00.txt"), (time.time() + 5, time.time() + 5))
        os.remove(os.path.join(self.ws.corpus, "en/a01.txt"))
        r = run([bin_path("izdeu-index"), "--db", parts, "--summary=json", self.ws.corpus])
        s = self.ws.summary(r)
        # Not unchanged: the edited file, the deleted one, and the feed whose id clashes (read
        # again on every run until fixed).
        self.assertEqual((s["updated"], s["deleted"], s["unchanged"]), (1, 1, s1["files"] - 3))
        self.assertEqual([h[0] for h in self.results(parts, "zebra")], ["en/a00.txt"])

    def test_killed_rebuild_leaves_no_parts_behind(self):
        db = os.path.join(self.ws.root, "db")
        self.build(db, 1)
        proc = subprocess.Popen([bin_path("izdeu-index"), "--db", db, "--rebuild", "-j", "2", "--quiet",
                                 self.ws.corpus], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline and not any(".part-" in n for n in os.listdir(self.ws.root)):
            time.sleep(0.002)
        proc.kill()
        proc.wait()
        # The live index still answers; the next run clears the dead build's folders.
        self.assertEqual(self.results(db, "aardvark")[0][0], "same")
        left = [n for n in os.listdir(self.ws.root) if n.startswith("db.new-")]
        r = run([bin_path("izdeu-index"), "--db", db, "--quiet", self.ws.corpus])  # any run, not only a rebuild
        if left:  # unless the rebuild finished before the signal
            self.assertIn("removed what a killed rebuild or compaction left", r.stderr)
        self.assertEqual(sorted(n for n in os.listdir(self.ws.root) if n.startswith("db")), ["db"])
        self.build(db, 2)
        self.assertEqual(sorted(n for n in os.listdir(self.ws.root) if n.startswith("db")), ["db"])


def main():
    global ARGS
    ARGS, rest = e2e_support.parse_args("--source-dir")
    e2e_support.unittest_main(rest)


if __name__ == "__main__":
    main()
