#!/usr/bin/env python3
"""izdeu-serve end to end (issue 20): the JSON API over HTTP on a loopback port, and the page in
a real browser (headless Chromium driven by Debian's python3-selenium and chromium-driver).

    python3 tests/serve_test.py --bin-dir build/ci --source-dir . [--screenshot FILE]

API: hits with the same fields as `izdeu-query --format json`, bad parameters (400 with the
parameter and the query's column), a missing database (503, then found without a restart), a
locked database and one in the middle of `izdeu-index --rebuild`, concurrent requests while
izdeu-index commits (no error; after a commit every worker sees it), request limits, escaping of
`<script>`-laden queries and articles, one log line per request, SIGTERM.
Browser: typing a query, paging, a language facet, a histogram bar, an article with the query's
words marked, the keyboard alone, a phone's width; a screenshot is saved for a person to look at.
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

ARGS = None

ARTICLE = """{title}

{title}
Photo: {credit} {date} 10:00 {views}

{body}
"""

HOSTILE_TITLE = '<script>window.izdeuHacked=1</script> Hostile <img src=x onerror="window.izdeuHacked=2"> headline'
HOSTILE_BODY = ('A hostile zqxhostile article: <script>window.izdeuHacked=3</script> and '
                '<b onmouseover="window.izdeuHacked=4">bold</b> &amp; "quotes" \' end.')


def write_article(folder, name, title, body, credit="Akorda", date="01.02.2024", views=100):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
        f.write(ARTICLE.format(title=title, body=body, credit=credit, date=date, views=views))


def tool(name):
    sub = {"izdeu-index": "indexer", "izdeu-query": "query", "izdeu-serve": "server"}[name]
    return os.path.join(ARGS.bin_dir, sub, name)


def env():
    e = dict(os.environ, LANG="C", LC_ALL="C")
    e.pop("IZDEU_DB", None)
    return e


def run(*cmd, timeout=300):
    return subprocess.run(list(cmd), capture_output=True, text=True, timeout=timeout, env=env())


class Server:
    """One izdeu-serve process on a free loopback port; its stderr is collected line by line."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([tool("izdeu-serve"), "--listen", "127.0.0.1:0", *args],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env())
        self.lines = []
        self.port = None
        ready = threading.Event()

        def read():
            for line in self.proc.stderr:
                self.lines.append(line.rstrip("\n"))
                m = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", line)
                if m:
                    self.port = int(m.group(1))
                    ready.set()
            ready.set()

        self.reader = threading.Thread(target=read, daemon=True)
        self.reader.start()
        if not ready.wait(30) or self.port is None:
            raise AssertionError("izdeu-serve did not start: %r" % self.lines)
        self.base = "http://127.0.0.1:%d" % self.port

    def get(self, path, params=None, timeout=30):
        """(status, headers, body bytes)."""
        url = self.base + path + ("?" + urllib.parse.urlencode(params) if params else "")
        try:
            with urllib.request.urlopen(url, timeout=timeout) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def api(self, path, params=None):
        status, headers, body = self.get(path, params)
        assert headers.get("Content-Type", "").startswith("application/json"), (path, headers.get("Content-Type"))
        return status, json.loads(body)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.reader.join(5)
        self.proc.stderr.close()
        return self.proc.returncode


def cli_hits(db, query, *extra):
    r = run(tool("izdeu-query"), "--db", db, "--format", "json", "--limit", "10", *extra, "--", query)
    assert r.returncode in (0, 1), r.stderr
    return [h for h in (json.loads(l) for l in r.stdout.splitlines()) if h["type"] == "hit"]


class Fixture:
    """The sample corpus plus a hostile article, indexed; shared by the test classes."""
    tmp = corpus = db = None

    @classmethod
    def make(cls):
        if cls.tmp:
            return
        cls.tmp = tempfile.mkdtemp(prefix="izdeu-serve-")
        cls.corpus = os.path.join(cls.tmp, "corpus")
        shutil.copytree(os.path.join(ARGS.source_dir, "corpus"), cls.corpus)
        write_article(os.path.join(cls.corpus, "xx"), "hostile.txt", HOSTILE_TITLE, HOSTILE_BODY,
                      credit='<b>Evil</b> "press"', date="03.02.2024")
        cls.db = os.path.join(cls.tmp, "db")
        r = run(tool("izdeu-index"), "--db", cls.db, "--quiet", cls.corpus)
        assert r.returncode == 0, r.stderr


class ApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        Fixture.make()
        cls.server = Server("--db", Fixture.db, "--threads", "4")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_hits_have_the_fields_and_order_of_izdeu_query_json(self):
        for query in ['"Constitutional Court"', "суд", "Конституциялық сот", "budget", "court NOT district"]:
            status, body = self.server.api("/api/search", {"q": query})
            self.assertEqual(status, 200, body)
            cli = cli_hits(Fixture.db, query)
            self.assertEqual([h["id"] for h in body["hits"]], [h["id"] for h in cli], query)
            for api_hit, cli_hit in zip(body["hits"], cli):
                # The CLI's "type" tells its records apart; the API's hits are in a list of their own.
                self.assertEqual(set(api_hit), set(cli_hit) - {"type"}, query)
                self.assertEqual(api_hit["snippet"], cli_hit["snippet"])
                self.assertEqual(api_hit["highlights"], cli_hit["highlights"])
            self.assertGreaterEqual(body["total"], len(body["hits"]))
            self.assertIn("did_you_mean", body)
            self.assertIsInstance(body["elapsed_ms"], (int, float))

    def test_parameters_work_as_the_cli_options(self):
        cases = [({"sort": "date"}, ["--sort", "date"]), ({"offset": "3", "limit": "4"}, ["--offset", "3", "--limit", "4"]),
                 ({"since": "2024-01"}, ["--since", "2024-01"]), ({"collapse": "0"}, ["--no-collapse"]),
                 ({"plain": "1"}, ["--plain"])]
        for params, options in cases:
            status, body = self.server.api("/api/search", dict(params, q="court OR суд"))
            self.assertEqual(status, 200, body)
            limit = options[options.index("--limit") + 1] if "--limit" in options else "10"
            r = run(tool("izdeu-query"), "--db", Fixture.db, "--format", "json", *options,
                    *([] if "--limit" in options else ["--limit", limit]), "court OR суд")
            cli = [h for h in (json.loads(l) for l in r.stdout.splitlines()) if h["type"] == "hit"]
            self.assertEqual([h["id"] for h in body["hits"]], [h["id"] for h in cli], params)
            self.assertEqual([h["rank"] for h in body["hits"]], [h["rank"] for h in cli], params)

    def test_filters_and_facets(self):
        status, body = self.server.api("/api/search", {"q": "court OR суд OR сот"})
        self.assertEqual(status, 200)
        facets = body["facets"]
        languages = {f["value"]: f["count"] for f in facets["lang"]}
        self.assertEqual(set(languages), {"en", "ru", "kk"})
        # Each language's count is what the filter then finds.
        for lang, count in languages.items():
            self.assertEqual(int(run(tool("izdeu-query"), "--db", Fixture.db, "--count", "--no-collapse",
                                     "(court OR суд OR сот) lang:" + lang).stdout), count)
            status, narrowed = self.server.api("/api/search", {"q": "court OR суд OR сот", "lang": lang, "limit": 100})
            self.assertEqual({h["lang"] for h in narrowed["hits"]}, {lang})
            self.assertEqual({f["value"] for f in narrowed["facets"]["lang"]}, {lang})
        self.assertLessEqual(len(facets["credit"]), 10)
        self.assertEqual(sum(m["count"] for m in facets["month"]) + facets["undated"], facets["counted"])
        month = facets["month"][0]["value"]
        status, narrowed = self.server.api("/api/search", {"q": "court OR суд OR сот", "since": month + ".." + month,
                                                           "limit": 100, "collapse": 0})
        self.assertEqual(len(narrowed["hits"]), facets["month"][0]["count"])
        self.assertTrue(all(h["date"].startswith(month) for h in narrowed["hits"]))
        credit = facets["credit"][0]
        status, narrowed = self.server.api("/api/search", {"q": "court OR суд OR сот", "credit": credit["value"],
                                                           "limit": 100, "collapse": 0})
        self.assertEqual({h["credit"] for h in narrowed["hits"]}, {credit["value"]})
        status, body = self.server.api("/api/search", {"q": "court", "facets": "0"})
        self.assertNotIn("facets", body)

    def test_bad_parameters_are_400_with_the_parameter_and_column(self):
        cases = [
            ({}, "q", "no query"),
            ({"q": "   "}, "q", "no query"),
            ({"q": 'court "human rights'}, "q", "unbalanced quote at column 7"),
            ({"q": "(court"}, "q", "column"),
            ({"q": "court", "limit": "1000"}, "limit", "from 0 to 100"),
            ({"q": "court", "limit": "-1"}, "limit", "whole number"),
            ({"q": "court", "offset": "many"}, "offset", "whole number"),
            ({"q": "court", "offset": "99999999"}, "offset", "10000"),
            ({"q": "court", "sort": "views"}, "sort", "relevance or date"),
            ({"q": "court", "since": "yesterday"}, "since", "7d"),
            ({"q": "court", "lang": "xx"}, "lang", "en, ru, kk or und"),
            ({"q": "court", "lang": "ru OR x"}, "lang", "en, ru, kk or und"),
            ({"q": "court", "credit": '"'}, "credit", "word"),
            ({"q": "court", "plain": "maybe"}, "plain", "1 or 0"),
            ({"q": "court", "format": "trec"}, "format", "unknown parameter"),
            ({"q": "x" * 5000}, "q", "too long"),
        ]
        for params, parameter, message in cases:
            status, body = self.server.api("/api/search", params)
            self.assertEqual(status, 400, (params, body))
            self.assertEqual(body.get("parameter"), parameter, (params, body))
            self.assertIn(message, body["error"], params)
        status, body = self.server.api("/api/search", {"q": 'court "human rights'})
        self.assertEqual(body["column"], 7)
        status, _, raw = self.server.get("/api/search?q=a&q=b")
        self.assertEqual((status, json.loads(raw)["parameter"]), (400, "q"))

    def test_request_limits(self):
        status, _, _ = self.server.get("/api/search", {"q": "a" * 9000})
        self.assertEqual(status, 414)  # the request line alone is too long
        req = urllib.request.Request(self.server.base + "/api/search?q=court", data=b"x" * 100000, method="POST")
        try:
            status = urllib.request.urlopen(req, timeout=30).status
        except urllib.error.HTTPError as e:
            status = e.code
        self.assertIn(status, (404, 405, 413))
        status, _, _ = self.server.get("/no/such/page")
        self.assertEqual(status, 404)

    def test_script_laden_queries_and_articles_stay_text(self):
        status, headers, raw = self.server.get("/api/search", {"q": "<script>alert(1)</script> zqxhostile"})
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("application/json"))
        body = json.loads(raw)
        self.assertEqual(body["hits"][0]["title"], HOSTILE_TITLE)
        self.assertEqual(body["hits"][0]["credit"], '<b>Evil</b> "press"')
        status, headers, raw = self.server.get("/", {"q": "<script>alert(1)</script>"})
        self.assertEqual(status, 200)
        self.assertNotIn(b"alert(1)", raw)  # the page is static: the query never enters its markup
        self.assertIn("script-src 'self'", headers["Content-Security-Policy"])
        self.assertEqual(headers["X-Content-Type-Options"], "nosniff")
        status, body = self.server.api("/api/search", {"q": '"<script>'})
        self.assertEqual(status, 400)
        self.assertEqual(body["column"], 1)

    def test_article_with_the_query_words_marked(self):
        status, body = self.server.api("/api/article", {"id": "en/001_constitutional_court_first_year.txt",
                                                        "q": "courts"})
        self.assertEqual(status, 200, body)
        text = body["text"].encode("utf-8")
        marked = {text[s:e].decode("utf-8").lower() for s, e in body["highlights"]}
        self.assertTrue({"court", "courts"} <= marked and all(m.startswith("court") for m in marked), marked)
        self.assertGreater(len(body["highlights"]), 3)
        title = body["title"].encode("utf-8")
        self.assertEqual({title[s:e].decode() for s, e in body["title_highlights"]}, {"Court"})
        status, body = self.server.api("/api/article", {"id": "ru/001_konstitucionnyj_sud_itogi_goda.txt",
                                                        "q": "суд"})
        text = body["text"].encode("utf-8")
        self.assertIn("суда", {text[s:e].decode("utf-8").lower() for s, e in body["highlights"]})
        # Phrases, and Kazakh typed on a Russian keyboard (also in the title: field), are marked as
        # in snippets, in the title too (issue 15).
        for article, q, marked in (
                ("en/001_constitutional_court_first_year.txt", '"Constitutional Court"', {"Constitutional Court"}),
                ("kk/001_konstitutsiyalyq_sot_otinishter.txt", "Конституциялык", {"Конституциялық"}),
                ("kk/001_konstitutsiyalyq_sot_otinishter.txt", 'title:"Конституциялык сотка"',
                 {"Конституциялық сотқа"})):
            status, body = self.server.api("/api/article", {"id": article, "q": q})
            title = body["title"].encode("utf-8")
            self.assertEqual({title[s:e].decode() for s, e in body["title_highlights"]}, marked, q)
            text = body["text"].encode("utf-8")
            self.assertTrue(marked & {text[s:e].decode() for s, e in body["highlights"]}, q)
        status, body = self.server.api("/api/article", {"id": "xx/hostile.txt"})
        self.assertEqual((status, body["title"], body["highlights"]), (200, HOSTILE_TITLE, []))
        self.assertEqual(self.server.api("/api/article", {"id": "no/such.txt"})[0], 404)
        self.assertEqual(self.server.api("/api/article", {})[0], 400)
        self.assertEqual(self.server.api("/api/article", {"id": "xx/hostile.txt", "q": '"'})[1]["parameter"], "q")

    def test_health(self):
        status, body = self.server.api("/api/health")
        self.assertEqual(status, 200)
        self.assertEqual(body["status"], "ok")
        self.assertEqual(body["database"], [Fixture.db])
        count = int(run(tool("izdeu-query"), "--db", Fixture.db, "--count", "--no-collapse", "NOT zzzzzz").stdout)
        self.assertEqual(body["articles"], count)
        self.assertEqual(body["last_run"]["added"], count)

    def test_page_and_assets_are_served(self):
        for path, kind in (("/", "text/html"), ("/article", "text/html"), ("/app.js", "text/javascript"),
                           ("/style.css", "text/css")):
            status, headers, raw = self.server.get(path)
            self.assertEqual(status, 200, path)
            self.assertTrue(headers["Content-Type"].startswith(kind), path)
        status, _, raw = self.server.get("/")
        self.assertNotRegex(raw.decode(), r"(src|href)=\"https?://")  # nothing from elsewhere

    def test_one_log_line_per_request(self):
        before = len(self.server.lines)
        self.server.get("/api/health")
        self.server.get("/api/search", {"q": "(court"})
        deadline = time.time() + 5
        while len(self.server.lines) < before + 2 and time.time() < deadline:
            time.sleep(0.05)
        # A line is written once its response is sent, by the thread that served it: two requests
        # served by two threads may log in either order (seen under ASan).
        new = sorted(self.server.lines[before:before + 2])
        self.assertEqual(len(new), 2, new)
        self.assertRegex(new[0], r"^izdeu-serve: GET /api/health 200 [0-9.]+ ms$")
        self.assertRegex(new[1], r"^izdeu-serve: GET /api/search 400 [0-9.]+ ms$")
        self.assertNotIn("court", new[1])  # searches stay out of the log


class DatabaseStatesTest(unittest.TestCase):
    """Missing, locked, being rebuilt, being indexed: answers stay correct and never crash."""

    def setUp(self):
        Fixture.make()
        self.tmp = tempfile.mkdtemp(prefix="izdeu-serve-db-")
        self.servers = []

    def tearDown(self):
        for s in self.servers:
            self.assertEqual(s.stop(), 0)
            self.assertEqual(s.lines[-1], "izdeu-serve: stopped")
        shutil.rmtree(self.tmp, ignore_errors=True)

    def serve(self, *args):
        s = Server(*args)
        self.servers.append(s)
        return s

    def test_missing_database_is_503_then_found_without_restart(self):
        db = os.path.join(self.tmp, "db")
        server = self.serve("--db", db)
        status, body = server.api("/api/search", {"q": "court"})
        self.assertEqual(status, 503)
        self.assertIn("no izdeu database", body["error"])
        status, body = server.api("/api/health")
        self.assertEqual((status, body["status"]), (503, "unavailable"))
        self.assertEqual(server.api("/api/search", {"q": "(bad"})[0], 400)  # the query is checked first
        r = run(tool("izdeu-index"), "--db", db, "--quiet", Fixture.corpus)
        self.assertEqual(r.returncode, 0, r.stderr)
        status, body = server.api("/api/search", {"q": "court"})
        self.assertEqual(status, 200, body)
        self.assertGreater(body["total"], 0)

    def test_broken_databases_are_503_with_the_reason(self):
        stub = os.path.join(self.tmp, "stub")
        os.makedirs(stub)
        with open(os.path.join(stub, "XAPIANDB"), "w") as f:
            f.write("auto shard-000\n")
        notdb = os.path.join(self.tmp, "file")
        with open(notdb, "w") as f:
            f.write("not a database\n")
        for db, reason in ((stub, "missing"), (notdb, "is a file")):
            server = self.serve("--db", db)
            status, body = server.api("/api/search", {"q": "court"})
            self.assertEqual(status, 503)
            self.assertIn(reason, body["error"])

    def test_locked_and_mid_rebuild_the_old_index_answers(self):
        db = os.path.join(self.tmp, "db")
        corpus = os.path.join(self.tmp, "corpus")
        shutil.copytree(Fixture.corpus, corpus)
        self.assertEqual(run(tool("izdeu-index"), "--db", db, "--quiet", corpus).returncode, 0)
        server = self.serve("--db", db)
        expected = [h["id"] for h in server.api("/api/search", {"q": "court"})[1]["hits"]]
        holder = subprocess.Popen([os.path.join(ARGS.bin_dir, "tests", "izdeu_lock_holder"), db],
                                  stdout=subprocess.PIPE, text=True)
        try:
            self.assertEqual(holder.stdout.readline().strip(), "locked")
            status, body = server.api("/api/search", {"q": "court"})
            self.assertEqual((status, [h["id"] for h in body["hits"]]), (200, expected))
        finally:
            holder.kill()
            holder.wait()
            holder.stdout.close()
        # A rebuild writes beside the index and swaps it in: until then the old index answers,
        # then the new one, without a restart.
        for i in range(300):
            write_article(os.path.join(corpus, "bulk"), "%03d.txt" % i, "Bulk zqxrebuilt article %d" % i,
                          "Filler text about weather and markets, number %d. " % i * 20)
        rebuild = subprocess.Popen([tool("izdeu-index"), "--db", db, "--rebuild", "--quiet", corpus], env=env(),
                                   stderr=subprocess.PIPE, text=True)
        answers = 0
        while rebuild.poll() is None:
            status, body = server.api("/api/search", {"q": "court", "facets": "1"})
            self.assertEqual(status, 200, body)
            if [h["id"] for h in body["hits"]] != expected:
                break
            answers += 1
        with rebuild.stderr:
            self.assertEqual(rebuild.wait(), 0, rebuild.stderr.read())
        status, body = server.api("/api/search", {"q": "zqxrebuilt", "limit": 0})
        self.assertEqual((status, body["total"]), (200, 300))
        status, body = server.api("/api/search", {"q": "court"})
        self.assertEqual([h["id"] for h in body["hits"]], [h["id"] for h in cli_hits(db, "court")])
        self.assertEqual(server.api("/api/health")[1]["articles"], 350)

    def test_concurrent_requests_while_indexing_see_every_commit(self):
        db = os.path.join(self.tmp, "db")
        corpus = os.path.join(self.tmp, "corpus")
        shutil.copytree(Fixture.corpus, corpus)
        self.assertEqual(run(tool("izdeu-index"), "--db", db, "--quiet", corpus).returncode, 0)
        threads = 4
        server = self.serve("--db", db, "--threads", str(threads))
        failures = []
        stop = threading.Event()

        def hammer(n):
            queries = ["court", "суд OR сот", "zqxround*", '"Constitutional Court"', "budget date:2023.."]
            i = 0
            while not stop.is_set() and i < 2000:
                if i % 5 == 4:  # a monitor's poll: the commits are not an outage
                    status, body = server.api("/api/health")
                    if status != 200:
                        failures.append(("/api/health", status, body))
                else:
                    q = queries[(n + i) % len(queries)]
                    status, body = server.api("/api/search", {"q": q, "limit": 5})
                    if status != 200:
                        failures.append((q, status, body))
                i += 1

        workers = [threading.Thread(target=hammer, args=(n,)) for n in range(3)]
        for w in workers:
            w.start()
        try:
            for round_ in range(4):
                for i in range(20):
                    write_article(os.path.join(corpus, "new"), "r%d-%02d.txt" % (round_, i),
                                  "Round zqxround%d news %d" % (round_, i), "Body of news item %d. " % i * 30)
                r = run(tool("izdeu-index"), "--db", db, "--quiet", "--commit-every", "7", corpus)
                self.assertEqual(r.returncode, 0, r.stderr)
                # The commit is done: every worker's next answer must include it. As many
                # requests at once as the server has workers, so each Searcher answers one.
                results = [None] * threads

                def ask(k):
                    results[k] = server.api("/api/search", {"q": "zqxround%d" % round_, "limit": 0})

                askers = [threading.Thread(target=ask, args=(k,)) for k in range(threads)]
                for a in askers:
                    a.start()
                for a in askers:
                    a.join()
                for status, body in results:
                    self.assertEqual((status, body["total"]), (200, 20), body)
                self.assertEqual(server.api("/api/health")[1]["articles"], 50 + 20 * (round_ + 1))
        finally:
            stop.set()
            for w in workers:
                w.join()
        self.assertEqual(failures, [])

    def test_phrase_searches_while_an_indexer_commits_every_few_articles(self):
        # A phrase in every article takes a few milliseconds, as long as two commits of an
        # indexer committing every 10 articles: six tries in a row lost the race and the
        # request was a 503 "may be damaged" (6-8 of ~70 such requests a run, before the fix).
        db = os.path.join(self.tmp, "db")
        corpus = os.path.join(self.tmp, "corpus")
        for i in range(3000):
            write_article(os.path.join(corpus, "many"), "a%04d.txt" % i, "Storm article %d" % i,
                          "The quokka number %d met the senate today." % i)
            if i == 99:
                self.assertEqual(run(tool("izdeu-index"), "--db", db, "--quiet", corpus).returncode, 0)
        server = self.serve("--db", db, "--threads", "4")
        indexer = subprocess.Popen([tool("izdeu-index"), "--db", db, "--quiet", "--commit-every", "10", "--jobs",
                                    "2", corpus], env=env(), stderr=subprocess.PIPE, text=True)
        requests, failures = 0, []
        while indexer.poll() is None:
            for path, params in (("/api/search", {"q": '"met the senate"'}),
                                 ("/api/article", {"id": "many/a0050.txt", "q": '"met the senate"'})):
                status, body = server.api(path, params)
                requests += 1
                if status != 200:
                    failures.append((path, status, body))
        with indexer.stderr:
            self.assertEqual(indexer.wait(), 0, indexer.stderr.read())
        self.assertGreater(requests, 10)
        # A reader slower than two commits can still lose (a sanitizer build's is): it is told
        # so, never that the database may be damaged, and it stays the exception.
        for path, status, body in failures:
            self.assertEqual(status, 503, body)
            self.assertIn("the index changed faster than this request could be answered", body["error"])
        self.assertLessEqual(len(failures), requests // 10, failures)

    def test_sigterm_stops_cleanly(self):
        server = Server("--db", Fixture.db)
        self.assertEqual(server.api("/api/health")[0], 200)
        self.assertEqual(server.stop(), 0)
        self.assertEqual(server.lines[-1], "izdeu-serve: stopped")

    def test_usage_errors(self):
        for args, message in ((["--listen", "nonsense:port"], "--listen takes HOST:PORT"),
                              (["--threads", "0"], "--threads"), (["--bogus"], "unrecognised")):
            r = run(tool("izdeu-serve"), *args, timeout=30)
            self.assertEqual(r.returncode, 2, args)
            self.assertIn(message, r.stderr)
        blocker = Server("--db", Fixture.db)
        try:
            r = run(tool("izdeu-serve"), "--db", Fixture.db, "--listen", "127.0.0.1:%d" % blocker.port, timeout=30)
            self.assertEqual(r.returncode, 3)
            self.assertIn("cannot listen", r.stderr)
        finally:
            blocker.stop()


def start_browser():
    """A headless Chromium under Selenium, or (None, why) when it cannot start."""
    try:
        try:
            from selenium import webdriver
        except ImportError:
            sys.path.append("/usr/lib/python3/dist-packages")  # Debian's python3-selenium
            from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError as e:
        return None, "python3-selenium is not installed (%s)" % e
    profile = tempfile.mkdtemp(prefix="izdeu-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1280,900", "--lang=en"):
        options.add_argument(flag)
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    try:
        return webdriver.Chrome(service=Service(executable_path=driver_path), options=options), None
    except Exception as e:  # any failure to start the browser is a reason to skip, said plainly
        return None, "chromium could not start under chromedriver (%s: %s)" % (type(e).__name__, str(e).strip()[:300])


class BrowserTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        Fixture.make()
        cls.driver, why = start_browser()
        if cls.driver is None:
            raise unittest.SkipTest("browser test skipped: " + why)
        cls.server = Server("--db", Fixture.db)

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        cls.server.stop()

    def wait(self, condition, what, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                value = condition()
                if value:
                    return value
            except Exception:  # the page is changing under us: look again
                pass
            time.sleep(0.05)
        self.fail("timed out waiting for " + what + " (URL " + self.driver.current_url + ")")

    def css(self, selector):
        from selenium.webdriver.common.by import By
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def status(self):
        return self.css("#status")[0].text

    def hits(self):
        return [(h.find_element("css selector", "h3").text, h.find_element("css selector", ".meta").text)
                for h in self.css("#results li.hit")]

    def test_a_search_as_a_person_does_it(self):
        from selenium.webdriver.common.keys import Keys
        d = self.driver
        d.set_window_size(1280, 900)
        d.get(self.server.base + "/")
        self.wait(lambda: self.js("return document.activeElement.id") == "q", "the search box to have focus")
        box = self.css("#q")[0]
        box.send_keys("court OR суд OR сот", Keys.ENTER)
        self.wait(lambda: "Results 1–10 of about" in self.status(), "the first page")
        self.assertIn("q=court+OR", d.current_url)
        self.assertEqual(len(self.hits()), 10)
        self.assertTrue(self.css("#results li.hit .snippet mark"), "snippets have marked words")
        self.assertTrue(self.css('#results li.hit[lang="ru"]') or self.css('#results li.hit[lang="kk"]'))
        root, ext = os.path.splitext(ARGS.screenshot)
        d.save_screenshot(root + "-results" + ext)  # the page as docs/izdeu-serve.png shows it

        # Paging, and Back.
        self.css('nav.pages a[rel="next"]')[0].click()
        self.wait(lambda: "Results 11–" in self.status(), "the second page")
        self.assertIn("offset=10", d.current_url)
        d.back()
        self.wait(lambda: "Results 1–10" in self.status(), "the first page again")

        # A language facet narrows with one click; its count is what is found.
        link = self.css('#facets a[data-facet="lang"][data-value="ru"]')[0]
        count = int(link.find_element("xpath", "..").find_element("css selector", ".count").text)
        link.click()
        self.wait(lambda: "lang=ru" in d.current_url and "of about %d" % count in self.status(), "the Russian facet")
        self.assertTrue(all(meta.endswith("Русский") or "Русский" in meta for _, meta in self.hits()))
        self.wait(lambda: self.css("#facets svg a[data-month]"), "the histogram")
        d.save_screenshot(ARGS.screenshot)

        # A histogram bar narrows to its month.
        bar = self.css("#facets svg a[data-month]")[0]
        month = bar.get_attribute("data-month")
        bar.click()
        self.wait(lambda: "since=" + month in urllib.parse.unquote(d.current_url), "the month " + month)
        self.wait(lambda: self.hits() and all(meta.startswith(month) for _, meta in self.hits()), "hits of " + month)
        self.assertTrue(self.css('#facets a[data-remove="since"]'))

        # The bookmarkable URL gives the same page in a fresh load.
        url = d.current_url
        shown = self.hits()
        d.get(url)
        self.wait(lambda: self.hits() == shown, "the same results from the URL alone")

        # An article, with the query's words marked.
        d.get(self.server.base + "/?q=" + urllib.parse.quote("courts"))
        self.wait(lambda: self.hits(), "results for courts")
        title = self.hits()[0][0]
        self.css("#results li.hit h3 a")[0].click()
        self.wait(lambda: self.css("#article-view h1") and self.css("#article-view h1")[0].text == title, "the article")
        self.assertIn("/article?", d.current_url)
        marks = {m.text.lower() for m in self.css("#article-view .text mark")}
        self.assertTrue(marks and all(m.startswith("court") for m in marks), marks)
        self.assertGreater(len(self.css("#article-view .text")[0].text), 500)
        # Only what the article has: no stray text for a link it lacks (the page once wrote "null").
        view_text = self.css("#article-view")[0].text
        self.assertNotIn("null", view_text.split("\n"), view_text[:200])

    def test_keyboard_alone(self):
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.keys import Keys
        d = self.driver
        d.set_window_size(1280, 900)
        d.get(self.server.base + "/?q=budget")
        self.wait(lambda: self.hits(), "results for budget")
        self.css("body")[0].click()
        ActionChains(d).send_keys("/").perform()
        self.wait(lambda: self.js("return document.activeElement.id") == "q", "'/' to focus the search box")
        ActionChains(d).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).send_keys("суд", Keys.ENTER).perform()
        self.wait(lambda: "q=%D1%81%D1%83%D0%B4" in d.current_url and self.hits(), "results for суд")
        title = self.hits()[0][0]
        for _ in range(80):  # Tab until the first result's link
            ActionChains(d).send_keys(Keys.TAB).perform()
            if self.js("return document.activeElement.matches('#results li.hit h3 a')"):
                break
        else:
            self.fail("Tab never reached a result")
        ActionChains(d).send_keys(Keys.ENTER).perform()
        self.wait(lambda: self.css("#article-view h1") and self.css("#article-view h1")[0].text == title,
                  "Enter to open the article")

    def test_script_laden_article_is_shown_as_text(self):
        d = self.driver
        d.get(self.server.base + "/?q=" + urllib.parse.quote("<script>alert(1)</script> zqxhostile"))
        self.wait(lambda: self.hits(), "the hostile article's hit")
        self.assertEqual(self.hits()[0][0], HOSTILE_TITLE)
        self.assertIn('<b>Evil</b> "press"', self.hits()[0][1])
        self.css("#results li.hit h3 a")[0].click()
        self.wait(lambda: self.css("#article-view h1") and self.css("#article-view h1")[0].text == HOSTILE_TITLE,
                  "the hostile article")
        self.assertIn("<script>window.izdeuHacked=3</script>", self.css("#article-view .text")[0].text)
        self.assertIsNone(self.js("return window.izdeuHacked"))
        self.assertEqual(self.css("#article-view img, #results img, #article-view b"), [])

    def test_readable_at_a_phone_width(self):
        d = self.driver
        d.set_window_size(390, 844)
        try:
            d.get(self.server.base + "/?q=" + urllib.parse.quote("Конституциялық сот"))
            self.wait(lambda: self.hits(), "results at a phone's width")
            self.assertLessEqual(self.js("return document.documentElement.scrollWidth"),
                                 self.js("return window.innerWidth") + 1, "no sideways scrolling")
            results = self.css("#results")[0].rect
            self.assertGreater(results["width"], 300)
            root, ext = os.path.splitext(ARGS.screenshot)
            d.save_screenshot(root + "-phone" + ext)
        finally:
            d.set_window_size(1280, 900)


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin-dir", required=True)
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--screenshot", default=None, help="where the browser test saves its screenshot")
    ARGS, rest = parser.parse_known_args()
    ARGS.bin_dir = os.path.abspath(ARGS.bin_dir)
    ARGS.source_dir = os.path.abspath(ARGS.source_dir)
    if ARGS.screenshot is None:
        ARGS.screenshot = os.path.join(ARGS.bin_dir, "izdeu-serve-test.png")
    ARGS.screenshot = os.path.abspath(ARGS.screenshot)
    try:
        result = unittest.main(argv=[sys.argv[0]] + rest, exit=False, verbosity=2).result
    finally:
        if Fixture.tmp:
            shutil.rmtree(Fixture.tmp, ignore_errors=True)
    print("screenshot: " + ARGS.screenshot, file=sys.stderr)
    sys.exit(0 if result.wasSuccessful() else 1)


if __name__ == "__main__":
    main()
