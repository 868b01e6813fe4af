#!/usr/bin/env python3
"""Watches (issue 21) through the binaries: index, run the watches, add and edit articles, index
again, run again (only the new ones); a run killed between its report and its marks reports the
same articles again; two runs at once; malformed watch files; unknown names; a query that no
longer parses; the mail form; marks that survive --rebuild and --compact.

    python3 tests/watch_test.py --bin-dir build/ci
    python3 tests/watch_test.py --bin-dir build/ci KilledRunTest   # one class
"""
import argparse
import email
import email.policy
import email.utils
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

ARGS = None
TIMEOUT = 120


def bin_path(name):
    folder = {"izdeu-index": "indexer", "izdeu-query": "query", "izdeu-watch": "watch"}[name]
    return os.path.join(ARGS.bin_dir, folder, name)


def environment(**extra):
    env = dict(os.environ, LC_ALL="C")
    env.pop("IZDEU_DB", None)
    env.update(extra)
    return env


def run(cmd, timeout=TIMEOUT, **kwargs):
    return subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=timeout,
                          env=kwargs.pop("env", environment()), **kwargs)


def write_article(path, title, body):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"{title}\n\n{title}\nPhoto: Akorda 01.02.2024 10:00 5\n\n{body}\n")


class Workspace:
    def __init__(self, test, watches):
        self.test = test
        self.root = tempfile.mkdtemp(prefix="izdeu-watch-")
        test.addCleanup(shutil.rmtree, self.root, True)
        self.db = self.path("db")
        self.news = self.path("news")
        self.watches = self.path("watches")
        self.state = self.path("state", "watches.state")
        self.set_watches(watches)

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    def set_watches(self, text):
        with open(self.watches, "w", encoding="utf-8") as f:
            f.write(text)

    def article(self, name, title, body):
        write_article(os.path.join(self.news, name), title, body)

    def index(self, *args):
        r = run([bin_path("izdeu-index"), "--db", self.db, *args, self.news])
        self.test.assertEqual(r.returncode, 0, r.stderr)
        return r

    def watch_command(self, *args):
        return [bin_path("izdeu-watch"), "--db", self.db, "--watches", self.watches, "--state", self.state, *args]

    def watch(self, *args, **kwargs):
        return run(self.watch_command(*args), **kwargs)

    def hits(self, *args, expect=None):
        """The (watch, id) pairs a JSON run reports."""
        r = self.watch("--format", "json", *args)
        if expect is not None:
            self.test.assertEqual(r.returncode, expect, r.stderr)
        return sorted((j["watch"], j["id"]) for j in map(json.loads, r.stdout.splitlines()) if j["type"] == "hit")


WATCHES = """# test watches
wombats = wombat
zebras = zebra
"""


def three_wombats(ws):
    ws.article("a1.txt", "Wombat census", "The wombat census counted many wombats.")
    ws.article("a2.txt", "Wombat burrows", "A wombat digs long burrows.")
    ws.article("a3.txt", "Zebra stripes", "The zebra has stripes.")
    ws.index()


class NewArticlesTest(unittest.TestCase):
    def test_only_what_arrived_since_the_last_run_is_reported(self):
        ws = Workspace(self, WATCHES)
        three_wombats(ws)
        self.assertEqual(ws.hits(expect=0),
                         [("wombats", "a1.txt"), ("wombats", "a2.txt"), ("zebras", "a3.txt")])
        self.assertEqual(ws.hits(expect=1), [])
        # A new article and an edited one; re-indexing an unchanged file changes nothing.
        ws.article("a4.txt", "Wombat rescue", "A wombat was rescued.")
        ws.article("a1.txt", "Wombat census", "The wombat census counted many wombats. Updated figures.")
        os.utime(os.path.join(ws.news, "a2.txt"))
        ws.index()
        self.assertEqual(ws.hits(expect=0), [("wombats", "a4.txt")])
        self.assertEqual(ws.hits(expect=1), [])

    def test_edits_count_as_new_when_the_watch_says_so(self):
        ws = Workspace(self, "wombats = wombat\n    edits = yes\nplain = wombat\n")
        three_wombats(ws)
        ws.hits(expect=0)
        ws.article("a1.txt", "Wombat census", "The wombat census counted many wombats. Updated figures.")
        ws.article("a4.txt", "Wombat rescue", "A wombat was rescued.")
        ws.index()
        r = ws.watch("--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        hits = {(j["watch"], j["id"]): j for j in map(json.loads, r.stdout.splitlines()) if j["type"] == "hit"}
        self.assertEqual(sorted(hits), [("plain", "a4.txt"), ("wombats", "a1.txt"), ("wombats", "a4.txt")])
        self.assertTrue(hits[("wombats", "a1.txt")]["edited"])
        self.assertFalse(hits[("wombats", "a4.txt")]["edited"])
        # The same bytes again (a touched file) are no edit.
        os.utime(os.path.join(ws.news, "a1.txt"), (time.time() + 5, time.time() + 5))
        ws.index()
        self.assertEqual(ws.hits(expect=1), [])

    def test_the_limit_caps_a_run_and_the_rest_is_not_reported_later(self):
        ws = Workspace(self, "wombats = wombat\n    limit = 2\n")
        for i in range(5):
            ws.article(f"w{i}.txt", f"Wombat {i}", f"Wombat news number {i}.")
        ws.index()
        r = ws.watch()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("first run, the 2 newest articles of 5 matching now", r.stdout)
        self.assertEqual(ws.hits(expect=1), [])

    def test_the_digest_counts_every_new_match_exactly(self):
        # What the limit leaves out is never reported, so "of N" must be the true number: Xapian's
        # estimate said "about 200" here for 300 matches (a mix of one word, the other and both).
        ws = Workspace(self, "mix = wombat OR lion\n    limit = 5\n")
        subjects = ["wombat", "wombats", "lion", "lions", "wombat and a lion", "zebra"]
        filler = ["alpha", "beta", "gamma", "delta", "epsilon"]

        def add(first, count):
            for i in range(first, first + count):
                words = " ".join(filler[(i * 7 + k) % 5] for k in range(3 + i % 37))
                ws.article(f"m{i}.txt", f"Report {i}", f"{words} News number {i} about a {subjects[i % 6]}.")

        def count():
            r = run([bin_path("izdeu-query"), "--db", ws.db, "--count", "wombat OR lion"])
            self.assertEqual(r.returncode, 0, r.stderr)
            return int(r.stdout)

        add(0, 360)
        ws.index()
        before = count()
        r = ws.watch()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(f"first run, the 5 newest articles of {before} matching now", r.stdout)
        add(360, 270)
        ws.index()
        new = count() - before
        self.assertGreater(new, 100)
        r = ws.watch("--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        summary = [j for j in map(json.loads, r.stdout.splitlines()) if j["type"] == "watch"]
        self.assertEqual((summary[0]["reported"], summary[0]["matched"]), (5, new))
        add(630, 240)
        ws.index()
        new = count() - before - new
        r = ws.watch()
        self.assertIn(f"5 new articles (of {new}; the limit is 5)", r.stdout)

    def test_named_watches_run_alone_and_keep_the_others_marks(self):
        ws = Workspace(self, WATCHES)
        three_wombats(ws)
        self.assertEqual(ws.hits("zebras", expect=0), [("zebras", "a3.txt")])
        self.assertEqual(ws.hits(expect=0), [("wombats", "a1.txt"), ("wombats", "a2.txt")])

    def test_a_name_given_twice_runs_once(self):
        ws = Workspace(self, WATCHES)
        three_wombats(ws)
        r = ws.watch("zebras", "wombats", "zebras")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.count("== zebras:"), 1)
        self.assertLess(r.stdout.index("== zebras"), r.stdout.index("== wombats"))

    def test_a_changed_query_starts_again(self):
        ws = Workspace(self, WATCHES)
        three_wombats(ws)
        ws.hits(expect=0)
        ws.set_watches("wombats = wombat burrows\nzebras = zebra\n")
        self.assertEqual(ws.hits(expect=0), [("wombats", "a1.txt"), ("wombats", "a2.txt")])

    def test_rebuild_and_compact_keep_the_marks(self):
        ws = Workspace(self, WATCHES)
        three_wombats(ws)
        ws.hits(expect=0)
        ws.index("--rebuild")
        self.assertEqual(ws.hits(expect=1), [])
        r = run([bin_path("izdeu-index"), "--db", ws.db, "--compact"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(ws.hits(expect=1), [])
        ws.article("a5.txt", "Zebra foal", "A zebra foal was born.")
        ws.index("--rebuild", "--shards", "2")
        self.assertEqual(ws.hits(expect=0), [("zebras", "a5.txt")])

    def test_default_paths_follow_xdg(self):
        ws = Workspace(self, WATCHES)
        three_wombats(ws)
        os.makedirs(ws.path("config", "izdeu"))
        shutil.copy(ws.watches, ws.path("config", "izdeu", "watches"))
        env = environment(XDG_CONFIG_HOME=ws.path("config"), XDG_STATE_HOME=ws.path("statehome"), IZDEU_DB=ws.db)
        r = run([bin_path("izdeu-watch")], env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.exists(ws.path("statehome", "izdeu", "watches.state")))
        self.assertEqual(run([bin_path("izdeu-watch")], env=env).returncode, 1)


class OutputTest(unittest.TestCase):
    def test_text_digest_groups_by_watch_with_snippets(self):
        ws = Workspace(self, WATCHES)
        three_wombats(ws)
        r = ws.watch()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("== wombats: first run", r.stdout)
        self.assertIn("== zebras: first run", r.stdout)
        self.assertLess(r.stdout.index("== wombats"), r.stdout.index("== zebras"))
        self.assertIn("[wombat]", r.stdout)
        self.assertIn("arrived ", r.stdout)

    def test_mail_is_a_message_sendmail_can_send(self):
        ws = Workspace(self, "суд = суд\nwombats = wombat\n")
        ws.article("r1.txt", "Конституционный суд рассмотрел обращение", "Суд рассмотрел обращение омбудсмена.")
        ws.article("a1.txt", "Wombat census", "The wombat census.")
        ws.index()
        r = ws.watch("--format", "mail", "--mail-to", "Аналитик <analyst@example.org>", "--mail-from",
                     "izdeu <izdeu@example.org>")
        self.assertEqual(r.returncode, 0, r.stderr)
        raw = r.stdout.encode("utf-8")
        self.assertTrue(all(b < 128 for b in raw), "the message must be 7-bit")
        self.assertTrue(all(len(line) <= 78 for line in raw.split(b"\n")))
        message = email.message_from_bytes(raw, policy=email.policy.default)
        self.assertIn("суд (1)", str(message["Subject"]))
        self.assertIn("wombats (1)", str(message["Subject"]))
        self.assertEqual(message["To"].addresses[0].display_name, "Аналитик")
        self.assertEqual(message.get_content_type(), "text/plain")
        self.assertEqual(message["Content-Transfer-Encoding"], "quoted-printable")
        self.assertTrue(message["Date"] and message["Message-ID"])
        body = message.get_content()
        self.assertIn("Конституционный суд рассмотрел обращение", body)
        self.assertIn("== суд: first run", body)
        self.assertEqual(ws.watch("--format", "mail", "--mail-to", "a@example.org").returncode, 1)

    def test_mail_without_mail_from_is_still_a_complete_message(self):
        # RFC 5322 section 3.6: From and Date are required; sendmail -t should not have to add them.
        ws = Workspace(self, WATCHES)
        three_wombats(ws)
        r = run(ws.watch_command("--format", "mail", "--mail-to", "a@example.org"),
                env=environment(LOGNAME="newsdesk"))
        self.assertEqual(r.returncode, 0, r.stderr)
        message = email.message_from_string(r.stdout, policy=email.policy.default)
        sender = message["From"].addresses[0]
        self.assertEqual(sender.display_name, "izdeu-watch")
        self.assertEqual(sender.username, "newsdesk")
        self.assertTrue(sender.domain)
        self.assertIsNotNone(email.utils.parsedate_to_datetime(message["Date"]))

    def test_send_with_moves_the_marks_only_when_the_command_succeeds(self):
        ws = Workspace(self, WATCHES)
        three_wombats(ws)
        r = ws.watch("--format", "mail", "--mail-to", "a@example.org", "--send-with", "cat >/dev/null; exit 7")
        self.assertEqual(r.returncode, 3)
        self.assertIn("exit 7", r.stderr)
        sent = ws.path("sent.eml")
        r = ws.watch("--format", "mail", "--mail-to", "a@example.org", "--send-with", f"cat > {sent}")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "")
        with open(sent, "rb") as f:
            self.assertIn(b"Subject: izdeu: 3 new articles in wombats (2), zebras (1)", f.read())
        os.remove(sent)
        r = ws.watch("--format", "mail", "--mail-to", "a@example.org", "--send-with", f"cat > {sent}")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertFalse(os.path.exists(sent), "nothing new: nothing sent")

    def test_a_failed_output_keeps_the_marks(self):
        ws = Workspace(self, WATCHES)
        three_wombats(ws)
        with open("/dev/full", "w") as full:
            r = subprocess.run(ws.watch_command(), stdout=full, stderr=subprocess.PIPE, text=True,
                               env=environment(), timeout=TIMEOUT)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("could not be written", r.stderr)
        self.assertEqual(len(ws.hits(expect=0)), 3)

    def test_a_closed_stdout_is_a_failed_output(self):
        # Started with descriptor 1 closed, the state lock used to open as descriptor 1: the
        # report went into the lock file and the marks moved past articles nobody saw.
        ws = Workspace(self, WATCHES)
        three_wombats(ws)
        r = run(["bash", "-c", 'exec "$@" >&-', "izdeu-watch", *ws.watch_command()])
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("standard output is closed", r.stderr)
        self.assertFalse(os.path.exists(ws.state + ".lock") and os.path.getsize(ws.state + ".lock"),
                         "the report went into the lock file")
        self.assertEqual(len(ws.hits(expect=0)), 3)
        # With --send-with, stdout is not where the report goes: a closed one is fine.
        ws.article("a4.txt", "Wombat rescue", "A wombat was rescued.")
        ws.index()
        sent = ws.path("sent.txt")
        r = run(["bash", "-c", 'exec "$@" >&-', "izdeu-watch", *ws.watch_command("--send-with", f"cat > {sent}")])
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(sent, encoding="utf-8") as f:
            self.assertIn("Wombat rescue", f.read())

    def test_no_mark_is_a_preview(self):
        ws = Workspace(self, WATCHES)
        three_wombats(ws)
        self.assertEqual(len(ws.hits("--no-mark", expect=0)), 3)
        self.assertEqual(len(ws.hits(expect=0)), 3)


def start_paused(ws, seconds, stdout_path, *args):
    out = open(stdout_path, "w")
    p = subprocess.Popen(ws.watch_command("--format", "json", "--test-pause-before-mark", str(seconds), *args),
                         stdout=out, stderr=subprocess.PIPE, text=True, env=environment())
    out.close()
    line = p.stderr.readline()  # blocks until the report is out
    assert "pausing before the marks" in line, line
    return p


class KilledRunTest(unittest.TestCase):
    def test_a_run_killed_between_report_and_marks_reports_again(self):
        ws = Workspace(self, WATCHES)
        three_wombats(ws)
        first = ws.path("first.jsonl")
        p = start_paused(ws, 60, first)
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=TIMEOUT)
        p.stderr.close()
        with open(first) as f:
            reported = sorted((j["watch"], j["id"]) for j in map(json.loads, f) if j["type"] == "hit")
        self.assertEqual(len(reported), 3)
        self.assertEqual(ws.hits(expect=0), reported)
        self.assertEqual(ws.hits(expect=1), [])


class ConcurrentRunsTest(unittest.TestCase):
    def test_a_second_run_waits_and_then_finds_nothing_new(self):
        ws = Workspace(self, WATCHES)
        three_wombats(ws)
        first = ws.path("first.jsonl")
        p = start_paused(ws, 3, first)
        r = ws.watch("--lock-timeout", "0.2")
        self.assertEqual(r.returncode, 75, r.stderr)
        self.assertIn("another izdeu-watch run", r.stderr)
        second = ws.hits("--lock-timeout", "60", expect=1)  # waits for the first
        self.assertEqual(p.wait(timeout=TIMEOUT), 0)
        p.stderr.close()
        with open(first) as f:
            self.assertEqual(len([l for l in f if '"type":"hit"' in l]), 3)
        self.assertEqual(second, [])

    def test_watches_run_while_an_indexer_commits(self):
        # Building a watch's query reads the index (a wildcard's words), and so does reading its
        # hits' arrival stamps after the search: each is done again after a reopen when the
        # indexer's commits discard the revision, instead of ending the run with exit 3.
        watches = "".join(f"w{i} = sen* OR numb* OR uniq{i:03d}*\n" for i in range(40))
        ws = Workspace(self, watches)
        for i in range(100):
            ws.article(f"a{i:05d}.txt", f"Article {i}", f"The senate met number uniq{i:05d} today.")
        ws.index()
        for i in range(100, 3000):
            ws.article(f"a{i:05d}.txt", f"Article {i}", f"The senate met number uniq{i:05d} today.")
        indexer = subprocess.Popen([bin_path("izdeu-index"), "--db", ws.db, "--commit-every", "25", "--jobs", "2",
                                    ws.news], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                   env=environment())
        self.addCleanup(lambda: indexer.poll() is not None or (indexer.kill(), indexer.communicate()))
        runs = 0
        while indexer.poll() is None:
            r = ws.watch("--no-mark", "--format", "json")
            self.assertIn(r.returncode, (0, 1), r.stderr)
            self.assertNotIn("Xapian", r.stderr)
            runs += 1
        _, err = indexer.communicate(timeout=TIMEOUT)
        self.assertEqual(indexer.returncode, 0, err)
        self.assertGreater(runs, 0)

    def test_a_run_waiting_behind_a_killed_one_reports_its_articles(self):
        ws = Workspace(self, WATCHES)
        three_wombats(ws)
        p = start_paused(ws, 60, ws.path("first.jsonl"))
        waiting = subprocess.Popen(ws.watch_command("--format", "json"), stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, env=environment())
        time.sleep(0.3)
        p.kill()
        p.wait(timeout=TIMEOUT)
        p.stderr.close()
        out, err = waiting.communicate(timeout=TIMEOUT)
        self.assertEqual(waiting.returncode, 0, err)
        self.assertEqual(len([l for l in out.splitlines() if '"type":"hit"' in l]), 3)


class BadWatchesTest(unittest.TestCase):
    CASES = [
        # file text, the expected "LINE:COLUMN: reason" part
        ("wombats wombat\n", "1:15: expected 'name = query'"),
        ("# fine\n\nwom bats = wombat\n", "3:4: a watch name is"),
        ("= wombat\n", "1:1: a watch needs a name"),
        ("wombats =   \n", "1:10: the watch has no query"),
        ("wombats = wombat\nwombats = zebra\n", "2:1: a second watch named 'wombats' (the first is on line 1)"),
        ("wombats = wombat\n  limit = many\n", "2:11: limit takes a whole number"),
        ("wombats = wombat\n  limit = 0\n", "2:11: limit takes a whole number"),
        ("wombats = wombat\n  edits = maybe\n", "2:11: edits takes yes or no"),
        ("wombats = wombat\n  colour = red\n", "2:3: unknown setting 'colour'"),
        ("  limit = 3\nwombats = wombat\n", "1:3: an indented setting before any watch"),
    ]

    def test_malformed_files_exit_2_with_line_and_column(self):
        ws = Workspace(self, WATCHES)
        three_wombats(ws)
        for text, expected in self.CASES:
            with self.subTest(text=text):
                ws.set_watches(text)
                r = ws.watch()
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(f"{ws.watches}:{expected}", r.stderr)
                self.assertEqual(r.stdout, "")
        with open(ws.watches, "wb") as f:
            f.write("суд = суд\nбаг".encode() + b"\xff = x\n")
        r = ws.watch()
        self.assertEqual(r.returncode, 2)
        self.assertIn(f"{ws.watches}:2:4: not UTF-8 text", r.stderr)
        self.assertFalse(os.path.exists(ws.state), "nothing ran, no marks")

    def test_a_byte_order_mark_and_comments_after_a_watch(self):
        ws = Workspace(self, WATCHES)
        three_wombats(ws)
        ws.set_watches('\ufeffwombats = wombat   # the census desk\n'
                       'zebras = "zebra # stripes" OR zebra\t# a phrase keeps its #\n'
                       'tagged = wombat#census\n')
        r = ws.watch("--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        summary = {j["watch"]: j for j in map(json.loads, r.stdout.splitlines()) if j["type"] == "watch"}
        self.assertEqual(summary["wombats"]["query"], "wombat")
        self.assertEqual(summary["zebras"]["query"], '"zebra # stripes" OR zebra')
        self.assertEqual(summary["tagged"]["query"], "wombat#census")
        self.assertEqual(summary["wombats"]["reported"], 2)
        # Columns still count from the line's start (after the mark), comments or not.
        ws.set_watches("\ufeffwom bats = wombat\n")
        r = ws.watch()
        self.assertEqual(r.returncode, 2)
        self.assertIn(f"{ws.watches}:1:4: a watch name is", r.stderr)
        ws.set_watches("wombats = # nothing but a comment\n")
        r = ws.watch()
        self.assertEqual(r.returncode, 2)
        self.assertIn(f"{ws.watches}:1:10: the watch has no query", r.stderr)
        ws.set_watches("broken =  court AND (reform   # to fix\n")
        r = ws.watch()
        self.assertEqual(r.returncode, 2)
        self.assertRegex(r.stderr, rf"{ws.watches}:1:(\d+): watch 'broken': .*no longer parses")
        column = int(re.search(rf"{re.escape(ws.watches)}:1:(\d+):", r.stderr).group(1))
        self.assertLessEqual(column, len("broken =  court AND (reform") + 1)

    def test_a_missing_file_and_an_unknown_name_exit_2(self):
        ws = Workspace(self, WATCHES)
        three_wombats(ws)
        r = ws.watch("lions")
        self.assertEqual(r.returncode, 2)
        self.assertIn("no watch named 'lions'", r.stderr)
        self.assertIn("it has: wombats, zebras", r.stderr)
        os.remove(ws.watches)
        r = ws.watch()
        self.assertEqual(r.returncode, 2)
        self.assertIn("cannot read the watches file", r.stderr)

    def test_a_query_that_no_longer_parses_is_named_and_the_others_run(self):
        ws = Workspace(self, WATCHES)
        three_wombats(ws)
        ws.set_watches('wombats = wombat\nbroken =  court AND (reform\nzebras = zebra\n')
        r = ws.watch("--format", "json")
        self.assertEqual(r.returncode, 2)
        self.assertRegex(r.stderr, rf"{ws.watches}:2:\d+: watch 'broken': .*no longer parses")
        hits = sorted((j["watch"], j["id"]) for j in map(json.loads, r.stdout.splitlines()) if j["type"] == "hit")
        self.assertEqual(hits, [("wombats", "a1.txt"), ("wombats", "a2.txt"), ("zebras", "a3.txt")])
        r = ws.watch("--format", "json")
        self.assertEqual(r.returncode, 2)
        self.assertNotIn('"type":"hit"', r.stdout, "the good watches' marks moved")

    def test_a_missing_database_exits_3(self):
        ws = Workspace(self, WATCHES)
        r = ws.watch()
        self.assertEqual(r.returncode, 3)
        self.assertIn("no izdeu database", r.stderr)

    def test_usage_errors_exit_2(self):
        ws = Workspace(self, WATCHES)
        for args in (["--format", "html"], ["--mail-to", "a@b"], ["--lock-timeout", "x"]):
            with self.subTest(args=args):
                self.assertEqual(ws.watch(*args).returncode, 2)


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin-dir", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0], *rest], verbosity=2)


if __name__ == "__main__":
    main()
