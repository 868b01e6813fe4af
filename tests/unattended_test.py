#!/usr/bin/env python3
"""Unattended runs that never lose an article silently (issue 17), through the binaries: ids
that stay put and never clash, the brake on mass deletion, limits on one article, leftovers of a
killed rebuild, and option messages. Each case checks the exit code, the message and how many
articles can still be found.

    python3 tests/unattended_test.py --bin-dir build/ci
    python3 tests/unattended_test.py --bin-dir build/ci MassDeleteTest   # one class
"""
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import e2e_support

ARGS = None
TIMEOUT = 300


def bin_path(name):
    return os.path.join(ARGS.bin_dir, "indexer" if name == "izdeu-index" else "query", name)


def run(cmd, cwd=None, timeout=TIMEOUT):
    env = dict(os.environ, LC_ALL="C")
    env.pop("IZDEU_DB", None)
    return subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=timeout, env=env,
                          cwd=cwd)


def write_article(path, title, body):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"{title}\n\n{title}\nPhoto: Akorda 01.02.2024 10:00 5\n\n{body}\n")


class Workspace:
    def __init__(self, test):
        self.root = tempfile.mkdtemp(prefix="izdeu-unattended-")
        self.db = os.path.join(self.root, "db")
        test.addCleanup(shutil.rmtree, self.root, True)

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    def index(self, *args, cwd=None):
        return run([bin_path("izdeu-index"), "--db", self.db, *args], cwd=cwd)

    def query(self, *args):
        return run([bin_path("izdeu-query"), "--db", self.db, *args])

    def count(self, query):
        r = self.query("--count", query)
        self.assertable = r
        return int(r.stdout.strip()) if r.stdout.strip() else None

    def ids(self, query):
        r = self.query("--format", "json", "--limit", "100", "--no-snippets", query)
        return sorted(h["id"] for h in map(json.loads, r.stdout.splitlines()) if h["type"] == "hit")

    def summary(self, r):
        return json.loads(r.stdout.strip().splitlines()[-1])


class StableIdsTest(unittest.TestCase):
    def test_two_roots_with_the_same_inner_paths_keep_both_articles(self):
        ws = Workspace(self)
        write_article(ws.path("a", "en", "001.txt"), "Alpha", "The wombat story from a.")
        write_article(ws.path("b", "en", "001.txt"), "Beta", "The wombat story from b.")
        r = ws.index("--summary=json", ws.path("a"), ws.path("b"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(ws.summary(r)["added"], 2)
        self.assertEqual(ws.ids("wombat"), ["a/en/001.txt", "b/en/001.txt"])

    def test_an_id_does_not_change_with_the_folder_named(self):
        # A cron-like sequence: the whole archive, one edited subfolder named on its own from
        # inside it, then the whole archive again.
        ws = Workspace(self)
        news = ws.path("news")
        write_article(os.path.join(news, "en", "105_court.txt"), "Court", "The numbat court ruled.")
        write_article(os.path.join(news, "ru", "001.txt"), "Суд", "Суд рассмотрел дело numbat.")
        self.assertEqual(ws.index("--quiet", news).returncode, 0)
        self.assertEqual(ws.ids("numbat"), ["en/105_court.txt", "ru/001.txt"])
        write_article(os.path.join(news, "en", "105_court.txt"), "Court", "The numbat court ruled again.")
        r = ws.index("--summary=json", "en", cwd=news)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(ws.summary(r)["updated"], 1)
        r = ws.index("--summary=json", news + "/")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(ws.ids("numbat"), ["en/105_court.txt", "ru/001.txt"])
        self.assertEqual(ws.count("numbat"), 2)

    def test_a_second_source_of_an_id_is_refused_and_named_with_both_paths(self):
        ws = Workspace(self)
        write_article(ws.path("src", "txt", "en", "001.txt"), "Alpha", "The quokka article.")
        os.makedirs(ws.path("src", "feeds"))
        with open(ws.path("src", "feeds", "one.jsonl"), "w") as f:
            f.write(json.dumps({"id": "k1", "title": "Feed one", "text": "capybara first"}) + "\n")
            f.write(json.dumps({"id": "k2", "title": "Feed one", "text": "capybara second"}) + "\n")
        with open(ws.path("src", "feeds", "two.jsonl"), "w") as f:
            f.write(json.dumps({"id": "k1", "title": "Feed two", "text": "capybara impostor"}) + "\n")
            f.write(json.dumps({"id": "k3", "title": "Feed two", "text": "capybara third"}) + "\n")
        one, two = ws.path("src", "feeds", "one.jsonl"), ws.path("src", "feeds", "two.jsonl")
        loser = None
        for attempt in range(3):  # refused on every run until fixed, never once and then silently
            r = ws.index("--summary=json", ws.path("src"))
            self.assertEqual(r.returncode, 1, r.stderr)
            # Workers finish in any order: the file written first keeps the id, from then on.
            if loser is None:
                loser = two if f"{two}: article id" in r.stderr else one
            winner = one if loser == two else two
            self.assertIn(f"{loser}: article id \"k1\" is already given by {winner}; not indexed", r.stderr)
            self.assertEqual(ws.summary(r)["failed"], 1)
            self.assertEqual(ws.count("capybara"), 3)
            self.assertEqual(ws.count("first") + ws.count("impostor"), 1)
            self.assertEqual(ws.count("quokka"), 1)
        # Fixed: the id given once, the article comes in.
        with open(loser, "w") as f:
            f.write(json.dumps({"id": "k9", "title": "Fixed", "text": "capybara fixed"}) + "\n")
        r = ws.index("--summary=json", ws.path("src"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(ws.count("capybara"), 3)
        self.assertEqual(ws.count("fixed"), 1)

    def forget_id_root(self, ws):
        """Makes the index look like one made before the id root was recorded."""
        r = run(["xapian-metadata", "set", ws.db, "izdeu:id-root", ""])
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_an_old_index_with_ids_relative_to_several_folders_asks_for_a_rebuild(self):
        if not shutil.which("xapian-metadata"):
            self.skipTest("xapian-metadata (xapian-tools) is not installed")
        ws = Workspace(self)
        write_article(ws.path("a", "x.txt"), "A", "numbat a")
        write_article(ws.path("b", "y.txt"), "B", "numbat b")
        # As older versions wrote it: each folder's ids relative to that folder (x.txt, y.txt).
        self.assertEqual(ws.index("--quiet", ws.path("a")).returncode, 0)
        r = run(["xapian-metadata", "set", ws.db, "izdeu:id-root", os.path.realpath(ws.path("b"))])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(ws.index("--quiet", ws.path("b")).returncode, 0)
        self.forget_id_root(ws)
        self.assertEqual(ws.ids("numbat"), ["x.txt", "y.txt"])
        for folders in ([ws.path("a"), ws.path("b")], [ws.path("a")]):
            with self.subTest(folders=folders):
                r = ws.index("--quiet", *folders)
                self.assertEqual(r.returncode, 3, r.stderr)
                self.assertIn("its ids are relative to several folders", r.stderr)
                self.assertIn("rebuild it once with izdeu-index --rebuild", r.stderr)
        self.assertEqual(ws.ids("numbat"), ["x.txt", "y.txt"])
        self.assertEqual(ws.index("--quiet", "--rebuild", ws.path("a"), ws.path("b")).returncode, 0)
        self.assertEqual(ws.ids("numbat"), ["a/x.txt", "b/y.txt"])

    def test_an_old_index_keeps_its_ids_when_a_subfolder_is_named(self):
        # Before the fix, the edit below re-id'ed en/005_court.txt as 005_court.txt ("1 added,
        # 1 deleted", exit 0) and recorded news/en as the root.
        if not shutil.which("xapian-metadata"):
            self.skipTest("xapian-metadata (xapian-tools) is not installed")
        ws = Workspace(self)
        news = ws.path("news")
        write_article(os.path.join(news, "en", "005_court.txt"), "Court", "The numbat court ruled.")
        write_article(os.path.join(news, "kk", "001.txt"), "Сот", "Сот numbat ісін қарады.")
        self.assertEqual(ws.index("--quiet", news).returncode, 0)
        self.forget_id_root(ws)
        write_article(os.path.join(news, "en", "005_court.txt"), "Court", "The numbat court ruled again.")
        r = ws.index("--summary=json", os.path.join(news, "en"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual((ws.summary(r)["added"], ws.summary(r)["updated"], ws.summary(r)["deleted"]), (0, 1, 0))
        self.assertIn(f"keeps its ids relative to {os.path.realpath(news)} (read from its ids", r.stderr)
        self.assertEqual(ws.ids("numbat"), ["en/005_court.txt", "kk/001.txt"])
        self.assertEqual(ws.count("again"), 1)
        r = ws.index("--summary=json", news)  # recorded now: said once
        self.assertEqual((r.returncode, r.stderr), (0, ""))

    def test_a_folder_outside_the_recorded_root_is_said_once(self):
        ws = Workspace(self)
        news = ws.path("news")
        write_article(os.path.join(news, "en", "001.txt"), "Court", "The numbat court ruled.")
        write_article(os.path.join(news, "kk", "001.txt"), "Сот", "Сот numbat ісін қарады.")
        self.assertEqual(ws.index("--quiet", os.path.join(news, "en")).returncode, 0)
        r = ws.index("--quiet", os.path.join(news, "kk"))
        self.assertEqual(r.returncode, 0, r.stderr)
        real = os.path.realpath(news)
        self.assertIn(f"{real}/kk is outside {real}/en, the folder this index's article ids are relative to",
                      r.stderr)
        self.assertIn("izdeu-index --rebuild --root FOLDER", r.stderr)
        self.assertEqual(ws.ids("numbat"), [f"{real}/kk/001.txt", "001.txt"])
        write_article(os.path.join(news, "kk", "002.txt"), "Сот", "Тағы numbat.")
        r = ws.index("--quiet", os.path.join(news, "kk"))
        self.assertEqual((r.returncode, r.stderr), (0, ""))


def fnv1a64(text):
    """schema::hex_hash64 (FNV-1a with its own offset basis): the key of a path's records."""
    h = 1469598103934665603
    for byte in text.encode():
        h = ((h ^ byte) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


class SymbolicLinkTest(unittest.TestCase):
    """A folder named through a symbolic link is the folder itself: its files keep their records
    and ids, and an edit is indexed. (Each file was refused as a clash with itself, exit 1.)"""

    def setUp(self):
        self.ws = Workspace(self)
        self.news = self.ws.path("news")
        for i in range(5):
            write_article(os.path.join(self.news, "en", f"{i:03d}_court.txt"), f"Court {i}", f"The numbat case {i}.")
        write_article(os.path.join(self.news, "kk", "001.txt"), "Сот", "Сот numbat ісін қарады.")
        os.symlink("news", self.ws.path("newslink"))
        os.symlink(os.path.join("news", "en"), self.ws.path("enlink"))

    def edit_and_index(self, folder, word):
        write_article(os.path.join(self.news, "en", "002_court.txt"), "Court 2", f"The numbat case 2, {word}.")
        return self.ws.index("--summary=json", folder)

    def assert_one_update(self, r, word):
        self.assertEqual(r.returncode, 0, r.stderr)
        s = self.ws.summary(r)
        self.assertEqual((s["added"], s["updated"], s["deleted"], s["failed"]), (0, 1, 0, 0), r.stderr)
        self.assertNotIn("already given", r.stderr)
        self.assertEqual(self.ws.count(word), 1)
        self.assertEqual(self.ws.count("numbat"), 6)

    def test_the_link_then_the_folder_and_back(self):
        self.assertEqual(self.ws.index("--quiet", self.news).returncode, 0)
        self.assert_one_update(self.edit_and_index(self.ws.path("newslink"), "wallaby"), "wallaby")
        self.assert_one_update(self.edit_and_index(self.ws.path("enlink"), "bilby"), "bilby")
        self.assert_one_update(self.edit_and_index(self.news, "dingo"), "dingo")
        self.assertEqual(self.ws.ids("numbat")[:2], ["en/000_court.txt", "en/001_court.txt"])

    def test_the_link_first(self):
        self.assertEqual(self.ws.index("--quiet", self.ws.path("newslink")).returncode, 0)
        self.assert_one_update(self.edit_and_index(self.news, "wallaby"), "wallaby")

    def test_one_file_through_two_spellings_in_one_run_is_one_source(self):
        r = self.ws.index("--summary=json", self.news, self.ws.path("newslink"), self.ws.path("enlink"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.ws.summary(r)["added"], 6)

    def test_failures_left_under_a_link_leave_the_list_when_the_file_indexes(self):
        # What an older izdeu recorded when run through the link: every file a clash with itself.
        if not shutil.which("xapian-metadata"):
            self.skipTest("xapian-metadata (xapian-tools) is not installed")
        self.assertEqual(self.ws.index("--quiet", self.news).returncode, 0)
        for name in ("000_court.txt", "002_court.txt"):
            spelt = os.path.join(self.ws.path("newslink"), "en", name)
            real = os.path.join(os.path.realpath(self.news), "en", name)
            for key, value in ((f"izdeu:file:{fnv1a64(spelt)}", f"100 -1 id-clash\t{spelt}"),
                               (f"izdeu:failed:{fnv1a64(spelt)}",
                                f'article id "en/{name}" is already given by {real}; not indexed\t{spelt}')):
                r = run(["xapian-metadata", "set", self.ws.db, key, value])
                self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("failed:     2 file(s)", self.ws.index("--stats").stdout)
        self.assert_one_update(self.edit_and_index(self.ws.path("newslink"), "wallaby"), "wallaby")
        self.assertIn("failed:     0 file(s)", self.ws.index("--stats").stdout)


class MassDeleteTest(unittest.TestCase):
    def setUp(self):
        self.ws = Workspace(self)
        for i in range(20):
            write_article(self.ws.path("news", "en", f"{i:03d}.txt"), f"News {i}", f"The wombat item {i}.")
        for i in range(3):
            write_article(self.ws.path("corpus", f"{i}.txt"), f"Corpus {i}", f"The numbat item {i}.")
        r = self.ws.index("--quiet", self.ws.path("corpus"), self.ws.path("news"))
        self.assertEqual(r.returncode, 0, r.stderr)

    def index_both(self, *extra):
        return self.ws.index("--quiet", *extra, self.ws.path("corpus"), self.ws.path("news"))

    def test_an_emptied_folder_deletes_nothing_and_says_why_under_quiet(self):
        os.rename(self.ws.path("news"), self.ws.path("news.away"))
        os.makedirs(self.ws.path("news"))  # an unmounted mount point: there, but empty
        r = self.index_both()
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn(self.ws.path("news") + ": the folder holds no article now: deleting all 20 articles", r.stderr)
        self.assertIn("--allow-mass-delete", r.stderr)
        self.assertEqual(self.ws.count("wombat"), 20)
        os.rmdir(self.ws.path("news"))  # vanished altogether
        r = self.index_both()
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(self.ws.count("wombat"), 20)
        os.makedirs(self.ws.path("news"))
        r = self.index_both("--allow-mass-delete")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.ws.count("wombat"), 0)
        self.assertEqual(self.ws.count("numbat"), 3)

    def test_more_than_the_share_deletes_nothing_unless_the_threshold_allows_it(self):
        for i in range(12):
            os.remove(self.ws.path("news", "en", f"{i:03d}.txt"))
        r = self.index_both()
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("12 of the 20 articles indexed from it (60%) are gone, more than --max-delete allows (20%)",
                      r.stderr)
        self.assertEqual(self.ws.count("wombat"), 20)
        r = self.index_both("--max-delete", "70")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.ws.count("wombat"), 8)

    def test_ordinary_deletions_go_on(self):
        os.remove(self.ws.path("news", "en", "000.txt"))
        os.remove(self.ws.path("corpus", "0.txt"))  # a third of a small folder: still ordinary
        r = self.ws.index("--summary=json", self.ws.path("corpus"), self.ws.path("news"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["deleted"], 2)
        self.assertEqual(self.ws.count("wombat"), 19)
        self.assertEqual(self.ws.count("numbat"), 2)


class ArticleLimitsTest(unittest.TestCase):
    def test_a_50_mb_article_is_refused_and_named_and_the_rest_indexed(self):
        ws = Workspace(self)
        for i in range(3):
            write_article(ws.path("c", f"a{i}.txt"), f"Good {i}", f"The quokka {i} met the senate.")
        with open(ws.path("c", "huge.txt"), "w") as f:
            f.write("Huge article\n\nHuge article\nPhoto: Akorda 01.02.2024 10:00 5\n\n")
            i = 0
            while f.tell() < 50_000_000:
                f.write(" ".join(f"tok{j:07d}" for j in range(i, i + 10000)) + " ")
                i += 10000
            f.write("needleword\n")
        started = time.monotonic()
        r = ws.index("--quiet", ws.path("c"))
        seconds = time.monotonic() - started
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("huge.txt: article of 50.1 MB, over the limit of 16.0 MB", r.stderr)
        self.assertEqual(ws.count("quokka"), 3)
        self.assertEqual(ws.count("needleword"), 0)
        size = sum(os.path.getsize(p) for p in glob.glob(os.path.join(ws.db, "*")))
        self.assertLess(size, 5_000_000)
        print(f"\n  50 MB article refused in {seconds:.2f} s; index {size / 1e6:.2f} MB", file=sys.stderr)
        # Allowed in size, it is still refused for its distinct terms.
        r = ws.index("--quiet", "--max-article-size", "60", ws.path("c"))
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("huge.txt: article with ", r.stderr)
        self.assertIn("over the limit of 200000 for one article (--max-article-terms)", r.stderr)
        self.assertEqual(ws.count("needleword"), 0)

    def test_a_jsonl_line_over_the_limit_is_refused_alone(self):
        ws = Workspace(self)
        os.makedirs(ws.path("f"))
        with open(ws.path("f", "feed.jsonl"), "w") as f:
            f.write(json.dumps({"id": "small", "title": "Small", "text": "a quokka"}) + "\n")
            f.write(json.dumps({"id": "big", "title": "Big", "text": "quokka " * 200_000}) + "\n")
        r = ws.index("--quiet", "--max-article-size", "1", ws.path("f"))
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("feed.jsonl:2: article of 1.4 MB, over the limit of 1.0 MB", r.stderr)
        self.assertEqual(ws.count("quokka"), 1)


def disk_bytes(folder):
    return sum(os.stat(p).st_blocks * 512 for p in glob.glob(os.path.join(folder, "*")))


class AutoCompactTest(unittest.TestCase):
    """Deleting a large article gives its space back: the run after which deleted articles make up
    a quarter of the index compacts it (Xapian reuses freed blocks but never shrinks its files)."""

    def setUp(self):
        self.ws = Workspace(self)
        for i in range(10):
            write_article(self.ws.path("c", f"a{i}.txt"), f"Good {i}", f"The quokka {i} met the senate.")
        # A medium article: 1.7 MB, 150,000 distinct terms (under the limits), about 6 MB of index.
        with open(self.ws.path("c", "big.txt"), "w") as f:
            f.write("Big article\n\nBig article\nPhoto: Akorda 01.02.2024 10:00 5\n\n")
            f.write(" ".join(f"tok{j:07d}" for j in range(150_000)) + " needleword\n")
        r = self.ws.index("--quiet", self.ws.path("c"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.ws.count("needleword"), 1)
        self.indexed = disk_bytes(self.ws.db)
        self.assertGreater(self.indexed, 3_000_000)

    def test_deleting_a_large_article_gives_its_space_back(self):
        os.remove(self.ws.path("c", "big.txt"))
        r = self.ws.index("--summary=json", self.ws.path("c"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stderr, r"compacted: [0-9.]+ MB -> [0-9.]+ MB on disk, deleted articles made up "
                                   r"(9[0-9]|100)% of the index \(--no-auto-compact turns this off\)")
        summary = self.ws.summary(r)
        self.assertEqual(summary["deleted"], 1)
        after = disk_bytes(self.ws.db)
        self.assertEqual(summary["compacted"]["disk_bytes_after"], after)
        self.assertLess(after, self.indexed / 10)
        self.assertEqual(self.ws.count("quokka"), 10)
        self.assertEqual(self.ws.count("needleword"), 0)
        print(f"\n  1.7 MB article deleted: index {self.indexed / 1e6:.1f} MB -> {after / 1e6:.2f} MB",
              file=sys.stderr)
        r = self.ws.index("--quiet", self.ws.path("c"))  # nothing more to give back
        self.assertEqual((r.returncode, r.stderr), (0, ""))

    def test_no_auto_compact_keeps_the_space_until_a_run_without_it(self):
        os.remove(self.ws.path("c", "big.txt"))
        r = self.ws.index("--quiet", "--no-auto-compact", self.ws.path("c"))
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        self.assertGreater(disk_bytes(self.ws.db), self.indexed * 0.9)
        # The deleted volume is remembered: the next run (nothing deleted in it) compacts.
        r = self.ws.index("--quiet", self.ws.path("c"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("compacted: ", r.stderr)
        self.assertLess(disk_bytes(self.ws.db), self.indexed / 10)

    def test_small_deletions_do_not_compact(self):
        os.remove(self.ws.path("c", "a0.txt"))
        r = self.ws.index("--quiet", self.ws.path("c"))
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        self.assertEqual(self.ws.count("quokka"), 9)


class LeftoversTest(unittest.TestCase):
    def test_a_killed_rebuild_is_cleaned_by_the_next_normal_run(self):
        ws = Workspace(self)
        for i in range(4000):
            write_article(ws.path("c", "en", f"{i:05d}.txt"), f"Title {i}",
                          " ".join(f"w{(i * 7 + j) % 9000} text{j}" for j in range(300)) + " quokka")
        self.assertEqual(ws.index("--quiet", ws.path("c")).returncode, 0)
        p = subprocess.Popen([bin_path("izdeu-index"), "--db", ws.db, "--quiet", "--rebuild", "--jobs", "2",
                              ws.path("c")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while not glob.glob(ws.db + ".new-*") and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        p.send_signal(signal.SIGKILL)
        p.wait()
        left = glob.glob(ws.db + ".new-*")
        self.assertTrue(left, "the rebuild finished before it was killed")
        # --stats says they are there, and leaves them (it only reads).
        r = ws.index("--stats")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("left beside the index by a killed rebuild or compaction (the next izdeu-index run removes "
                      "them): ", r.stdout)
        self.assertIn(left[0], r.stdout)
        self.assertEqual(len(json.loads(ws.index("--stats=json").stdout)["leftovers"]), len(left))
        self.assertEqual(sorted(glob.glob(ws.db + ".new-*")), sorted(left))
        r = ws.index("--quiet", ws.path("c"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("removed what a killed rebuild or compaction left beside the index", r.stderr)
        self.assertIn(os.path.basename(left[0]), r.stderr)
        self.assertEqual(glob.glob(ws.db + ".new-*"), [])
        self.assertEqual(ws.count("quokka"), 4000)
        r = ws.index("--quiet", ws.path("c"))  # said once
        self.assertEqual((r.returncode, r.stderr), (0, ""))


class OptionMessagesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="izdeu-unattended-")
        cls.db = os.path.join(cls.root, "db")
        for i in range(12):
            write_article(os.path.join(cls.root, "c", f"{i}.txt"), f"Court {i}", f"The court ruled on case {i}.")
        r = run([bin_path("izdeu-index"), "--db", cls.db, "--quiet", os.path.join(cls.root, "c")])
        assert r.returncode == 0, r.stderr
        with open(os.path.join(cls.root, "some.txt"), "w") as f:
            f.write("just some text\n")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.root, ignore_errors=True)

    def query(self, *args, db=None):
        return run([bin_path("izdeu-query"), "--db", db or self.db, *args])

    def test_numeric_options_state_their_range(self):
        cases = [
            (["--limit", "-1"], "--limit takes a whole number from 0 to 100000, not '-1'"),
            (["--limit", "abc"], "--limit takes a whole number from 0 to 100000, not 'abc'"),
            (["--limit", "100001"], "--limit takes a whole number from 0 to 100000"),
            (["--offset", "-5"], "--offset takes a whole number from 0 to"),
            (["--time-limit", "-3"], "--time-limit takes a number from 0.001 to 3600, not '-3'"),
            (["--time-limit", "0"], "--time-limit takes a number from 0.001 to 3600"),
            (["--bm25-b", "2"], "--bm25-b takes a number from 0 to 1, not '2'"),
            (["--bm25-min-normlen", "-0.5"], "--bm25-min-normlen takes a number from 0 to 1, not '-0.5'"),
            (["--feedback-docs", "-1"], "--feedback-docs takes a whole number from 0 to 1000"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                r = self.query(*args, "court")
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(message, r.stderr)
                self.assertNotIn("at most", r.stderr)
        index_cases = [
            (["--jobs", "-1"], "--jobs takes a whole number from 1 to 256, not '-1'"),
            (["--commit-every", "0"], "--commit-every takes a whole number from 1 to"),
            (["--lock-timeout", "-2"], "--lock-timeout takes a number from 0 to"),
            (["--max-runtime", "-3"], "--max-runtime takes a duration of 0 or more"),
            (["--max-delete", "170"], "--max-delete takes a number from 0 to 100, not '170'"),
            (["--max-article-size", "0"], "--max-article-size takes a number from 0.001 to 4096"),
            (["--max-article-terms", "x"], "--max-article-terms takes a whole number from 1000 to"),
            (["--shards", "0"], "--shards takes a whole number from 1 to 256"),
        ]
        for args, message in index_cases:
            with self.subTest(args=args):
                r = run([bin_path("izdeu-index"), "--db", os.path.join(self.root, "other"), *args,
                         os.path.join(self.root, "c")])
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(message, r.stderr)

    def test_nothing_shown_is_not_nothing_found(self):
        for args, message in ((["--limit", "0"], "12 articles match, none shown with --limit 0"),
                              (["--offset", "1000"], "12 articles match, none from --offset 1000 on")):
            with self.subTest(args=args):
                r = self.query(*args, "court")
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn(message, r.stderr)
                self.assertNotIn("no matches", r.stderr)
        r = self.query("--offset", "1000", "nosuchwordanywhere")
        self.assertEqual(r.returncode, 1, r.stderr)

    def test_since_names_the_value_not_a_column(self):
        r = self.query("--since", "yesterday", "court")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("--since takes 7d, 2w, 3m, 1y", r.stderr)
        self.assertIn("not 'yesterday'", r.stderr)
        self.assertNotIn("column", r.stderr)

    def test_a_file_is_called_a_file_and_xapian_never_speaks_alone(self):
        some = os.path.join(self.root, "some.txt")
        r = run([bin_path("izdeu-index"), "--db", some, os.path.join(self.root, "c")])
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(f"--db {some} is a file", r.stderr)
        self.assertNotIn("folder is not empty", r.stderr)
        r = self.query("court", db=some)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertTrue(r.stderr.startswith(f"izdeu-query: {some} is a file, and neither an izdeu database folder"),
                        r.stderr)
        self.assertIn("(Xapian: DatabaseOpeningError", r.stderr)

    def test_the_database_that_failed_is_the_one_named(self):
        some = os.path.join(self.root, "some.txt")
        r = run([bin_path("izdeu-query"), "--db", self.db, "--db", some, "court"])
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertTrue(r.stderr.startswith(f"izdeu-query: {some} is a file"), r.stderr)
        self.assertNotIn(f"at {self.db}", r.stderr)
        r = run([bin_path("izdeu-query"), "--db", self.db, "--db", os.path.join(self.root, "nowhere"), "court"])
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn(f"no izdeu database at {os.path.join(self.root, 'nowhere')}", r.stderr)

    def test_stats_of_a_folder_that_holds_no_index_says_so(self):
        empty = os.path.join(self.root, "emptydir")
        os.makedirs(empty, exist_ok=True)
        not_an_index = os.path.join(self.root, "c")
        for db, message in ((empty, f"izdeu-index: no izdeu database at {empty} (index articles"),
                            (os.path.join(self.root, "missing"), "izdeu-index: no izdeu database at "),
                            (not_an_index, f"izdeu-index: {not_an_index} is not an izdeu database")):
            with self.subTest(db=db):
                r = run([bin_path("izdeu-index"), "--db", db, "--stats"])
                self.assertEqual(r.returncode, 3, r.stderr)
                self.assertTrue(r.stderr.startswith(message), r.stderr)
                self.assertNotIn("damaged", r.stderr)
                self.assertNotIn("Xapian", r.stderr)

    def test_stats_give_the_size_on_disk(self):
        r = run([bin_path("izdeu-index"), "--db", self.db, "--stats=json"])
        stats = json.loads(r.stdout)
        blocks = sum(os.stat(p).st_blocks * 512 for p in glob.glob(os.path.join(self.db, "*")))
        self.assertEqual(stats["disk_bytes"], blocks)
        r = run([bin_path("izdeu-index"), "--db", self.db, "--stats"])
        self.assertIn(" MB on disk (", r.stdout)
        self.assertIn(" MB apparent: Xapian's tables are sparse files)", r.stdout)


def main():
    global ARGS
    ARGS, rest = e2e_support.parse_args()
    e2e_support.unittest_main(rest)


if __name__ == "__main__":
    main()
