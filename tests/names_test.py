#!/usr/bin/env python3
"""One name in three scripts, through the binaries (issue 22).

tests/data/names.tsv holds names in their English, Russian, Kazakh Cyrillic and Latin-script
Kazakh spellings: one article per spelling is indexed, and every spelling's query must find the
article of every other spelling of its name. tests/data/names_apart.tsv holds words whose
articles must not be found across scripts (mir/мир). Then the user's controls: =word and
--no-translit keep a name to its own script, lang: still filters, snippets highlight the word in
the script it is written in, the exact script ranks first. Last, the Latin-script Kazakh articles
of corpus/ (2018 and 2021 alphabets): detected as Kazakh, their credit line read, found from
both scripts.

    python3 tests/names_test.py --bin-dir build/ci [--source-dir .] [--verbose]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import unicodedata

import e2e_support

# Sentences long enough not to read as Title Case, with the name inside a sentence.
FRAMES = {
    "en": ("News of the day", "Photo: Akorda 01.02.2024 10:00 100",
           "Officials said on Monday that {name} was named in the annual report of the government."),
    "ru": ("Новости дня", "Фото: Акорда 01.02.2024 10:00 100",
           "В понедельник стало известно, что {name} упомянут в годовом отчете правительства."),
    "kk": ("Күн жаңалықтары", "Сурет: Ақорда 01.02.2024 10:00 100",
           "Дүйсенбі күні үкімет есебінде {name} туралы айтылды, бұл жөнінде ақпарат таратылды."),
    "kk-latn": ("Kún jańalyqtary", "Sýret: Aqorda 01.02.2024 10:00 100",
                "Dúısenbi kúni úkimet esebinde {name} týraly aıtyldy, bul jóninde aqparat taratyldy."),
}
COLUMNS = ["en", "ru", "kk", "kk-latn"]
DETECTED = {"en": "en", "ru": "ru", "kk": "kk", "kk-latn": "kk"}


def plain(word):
    """Lower case without Latin accents, as the analyzer compares words."""
    return "".join(c for c in unicodedata.normalize("NFD", word.lower()) if not unicodedata.combining(c)
                   or "\u0400" <= c <= "\u04ff")


KAZAKH_LATIN_SIGNS = set("qáǵńóúýıäğñöüūşç")
KAZAKH_LETTERS = set("әғқңөұүһі")


def same_language_variant(spelling, lang, other_lang):
    """Pairs the name key leaves to exact spelling: a query's keys are searched in the other
    languages only, so a Latin-script Kazakh spelling with no q or Kazakh letter (Nazarbaev,
    Jambyl) is read as English and does not find Nazarbayev, Zhambyl, and a Kazakh spelling without a Kazakh
    letter (Смайылов) is read as Russian and does not find Смаилов. Both find every other script."""
    if lang == "kk-latn" and other_lang == "en":
        return not (set(spelling.lower()) & KAZAKH_LATIN_SIGNS)
    if lang == "kk" and other_lang == "ru":
        return not (set(spelling.lower()) & KAZAKH_LETTERS)
    return False


def run(cmd, **kw):
    env = dict(os.environ, LANG="C", LC_ALL="C")
    env.pop("IZDEU_DB", None)
    return subprocess.run(cmd, capture_output=True, text=True, env=env, **kw)


def read_tsv(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                rows.append(line.split("\t"))
    return rows


def write_article(path, lang, title, body):
    _, meta, _ = FRAMES[lang]
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as out:
        out.write(f"{title}\n\n{title}\n{meta}\n\n{body}\n")


class Tools:
    def __init__(self, bin_dir):
        self.index = os.path.join(bin_dir, "indexer", "izdeu-index")
        self.query = os.path.join(bin_dir, "query", "izdeu-query")

    def build(self, db, corpus):
        r = run([self.index, "--db", db, "--quiet", corpus])
        if r.returncode != 0:
            sys.exit(f"izdeu-index failed ({r.returncode}): {r.stderr}")

    def batch(self, db, queries, *options):
        """Runs {id: query} through izdeu-query --batch; returns {id: [article ids, best first]}."""
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".tsv", delete=False) as f:
            for qid, q in queries.items():
                f.write(f"{qid}\t{q}\n")
            name = f.name
        try:
            r = run([self.query, "--db", db, "--batch", name, "--format", "trec", "--limit", "1000",
                     "--no-collapse", *options])
        finally:
            os.unlink(name)
        if r.returncode not in (0, 1):
            sys.exit(f"izdeu-query --batch failed ({r.returncode}): {r.stderr}")
        found = {qid: [] for qid in queries}
        for line in r.stdout.splitlines():
            parts = line.split()
            if len(parts) >= 3:
                found.setdefault(parts[0], []).append(parts[2])
        return found

    def json_hits(self, db, *args):
        r = run([self.query, "--db", db, "--format", "json", "--limit", "100", "--no-collapse", *args])
        if r.returncode not in (0, 1):
            sys.exit(f"izdeu-query failed ({r.returncode}): {r.stderr}")
        records = [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
        return [h for h in records if h.get("type", "hit") == "hit"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin-dir", required=True)
    ap.add_argument("--source-dir", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    data = os.path.join(args.source_dir, "tests", "data")
    tools = Tools(args.bin_dir)
    failures = []

    work = tempfile.mkdtemp(prefix="izdeu-names-")
    corpus, db = os.path.join(work, "corpus"), os.path.join(work, "db")
    names = read_tsv(os.path.join(data, "names.tsv"))
    apart = read_tsv(os.path.join(data, "names_apart.tsv"))

    # One article per spelling: "n/<row>-<column>.txt".
    articles = {}  # (row, column) -> (article id, spelling)
    for r, row in enumerate(names):
        for c, lang in enumerate(COLUMNS):
            spelling = row[c + 1] if c + 1 < len(row) else ""
            if not spelling:
                continue
            rel = f"n/{r:02d}-{lang}.txt"
            title, _, body = FRAMES[lang]
            write_article(os.path.join(corpus, rel), lang, title, body.format(name=spelling))
            articles[(r, lang)] = (rel, spelling)
    apart_ids = {}
    for n, (query, lang, title, body) in enumerate(apart):
        rel = f"apart/{n:02d}.txt"
        write_article(os.path.join(corpus, rel), lang, title, body)
        apart_ids[n] = rel
    tools.build(db, corpus)

    queries = {}
    for (r, lang), (_, spelling) in articles.items():
        queries[f"name:{r}:{lang}"] = spelling
        if lang == "en":
            queries[f"lower:{r}:{lang}"] = spelling.lower()  # typed in lower case: still a name
    for n, row in enumerate(apart):
        queries[f"apart:{n}"] = row[0]
    found = tools.batch(db, queries)

    pairs = met = skipped = 0
    for (r, lang), (_, spelling) in articles.items():
        for kind in ("name", "lower"):
            qid = f"{kind}:{r}:{lang}"
            if qid not in found:
                continue
            for (r2, lang2), (rel2, spelling2) in articles.items():
                if r2 != r or lang2 == lang:
                    continue
                if same_language_variant(queries[qid], lang, lang2) and plain(spelling2) != plain(spelling):
                    skipped += 1
                    continue
                pairs += 1
                if rel2 in found[qid]:
                    met += 1
                else:
                    failures.append(f"{kind}: {queries[qid]!r} ({lang}) does not find {spelling2!r} ({lang2})")
        # The spelling as written ranks first: its own article, or one with the same word (the
        # same letters without accents, or a Latin-script Kazakh article read in Cyrillic).
        hits = [h for h in found[f"name:{r}:{lang}"] if h.startswith("n/")]
        same = {articles[(r, other)][0] for other in COLUMNS if (r, other) in articles
                and plain(articles[(r, other)][1]) == plain(spelling)}
        if (r, "kk") in articles and plain(articles[(r, "kk")][1]) == plain(spelling) and (r, "kk-latn") in articles:
            same.add(articles[(r, "kk-latn")][0])
        if lang == "kk-latn":
            same.add(articles[(r, "kk")][0])
        if hits and hits[0] not in same:
            failures.append(f"rank: {spelling!r} does not rank its own spelling's article first ({hits[:3]})")
    print(f"names: {len(names)} names, {met}/{pairs} (query spelling, article spelling) pairs found "
          f"({100.0 * met / max(pairs, 1):.1f}%); {skipped} same-script variant pairs not expected to meet")
    for n, row in enumerate(apart):
        if apart_ids[n] in found[f"apart:{n}"]:
            failures.append(f"apart: {row[0]!r} finds the {row[1]} article {row[3][:40]!r}")
    print(f"apart: {len(apart)} words checked")

    # The user's controls, on Tokayev (row 0).
    en, ru, kk = (articles[(0, lang)][0] for lang in ("en", "ru", "kk"))
    controls = tools.batch(db, {"exact": "=Tokayev", "exact-ru": "=Токаев", "lang": "Tokayev lang:ru",
                                "plain": "Tokayev"})
    no_translit = tools.batch(db, {"off": "Tokayev"}, "--no-translit")
    for qid, hits in (("=Tokayev", controls["exact"]), ("--no-translit Tokayev", no_translit["off"])):
        if en not in hits or ru in hits or kk in hits:
            failures.append(f"control: {qid} should find only the English spelling, found {hits}")
    if ru in controls["exact-ru"] and (en in controls["exact-ru"] or kk in controls["exact-ru"]):
        failures.append(f"control: =Токаев found other scripts: {controls['exact-ru']}")
    if controls["lang"] != [ru]:
        failures.append(f"control: 'Tokayev lang:ru' should find the Russian article only, found {controls['lang']}")
    hits = tools.json_hits(db, "Tokayev lang:ru")
    # Highlights are byte ranges of the UTF-8 snippet.
    marked = [h["snippet"].encode()[s:e].decode() for h in hits for s, e in h.get("highlights", [])]
    if "Токаев" not in marked:
        failures.append(f"snippet: 'Tokayev lang:ru' does not highlight Токаев: {hits[:1]} {marked}")

    # Latin-script Kazakh articles of corpus/: detected, parsed, found from both scripts.
    db2 = os.path.join(work, "db-corpus")
    tools.build(db2, os.path.join(args.source_dir, "corpus"))
    latin = {"kk/010_aqtobede_jana_aurukhana_latyn_2018.txt": ("Kazinform", "2024-03-14T11:20"),
             "kk/011_qaragandy_su_tasqyny_latyn_2021.txt": ("Kazinform", "2024-04-02T09:15")}
    for rel, (credit, date) in latin.items():
        hits = tools.json_hits(db2, f"id:{rel}")
        if len(hits) != 1:
            failures.append(f"corpus: {rel} not indexed ({hits})")
            continue
        h = hits[0]
        if h.get("lang") != "kk" or h.get("credit") != credit or not str(h.get("date", "")).startswith(date):
            failures.append(f"corpus: {rel} read as lang={h.get('lang')} credit={h.get('credit')!r} "
                            f"date={h.get('date')}")
    must_find = {
        # Cyrillic queries find the Latin-script articles, and the other way round.
        "Қазақстанның": ["kk/010_aqtobede_jana_aurukhana_latyn_2018.txt", "kk/011_qaragandy_su_tasqyny_latyn_2021.txt",
                         "kk/003_zhana_mektepter_ashyldy.txt"],
        "Qazaqstannyń": ["kk/003_zhana_mektepter_ashyldy.txt", "kk/011_qaragandy_su_tasqyny_latyn_2021.txt"],
        "Qazaqstannyñ": ["kk/003_zhana_mektepter_ashyldy.txt", "kk/010_aqtobede_jana_aurukhana_latyn_2018.txt"],
        "аурухана": ["kk/010_aqtobede_jana_aurukhana_latyn_2018.txt"],
        "Ақтөбе": ["kk/010_aqtobede_jana_aurukhana_latyn_2018.txt"],
        "Тоқаев": ["kk/010_aqtobede_jana_aurukhana_latyn_2018.txt"],
        "Tokayev": ["kk/010_aqtobede_jana_aurukhana_latyn_2018.txt"],
        "Қарағанды": ["kk/011_qaragandy_su_tasqyny_latyn_2021.txt"],
        "Karaganda": ["kk/011_qaragandy_su_tasqyny_latyn_2021.txt"],
        "жұмыстары": ["kk/010_aqtobede_jana_aurukhana_latyn_2018.txt", "kk/011_qaragandy_su_tasqyny_latyn_2021.txt"],
        '"су тасқыны"': ["kk/011_qaragandy_su_tasqyny_latyn_2021.txt"],
    }
    corpus_found = tools.batch(db2, {str(i): q for i, q in enumerate(must_find)})
    for i, (q, wanted) in enumerate(must_find.items()):
        for rel in wanted:
            if rel not in corpus_found[str(i)]:
                failures.append(f"corpus: {q!r} does not find {rel}")
    telegram = tools.batch(db2, {"t": "Telegram"})
    if telegram["t"]:
        failures.append(f"corpus: footers indexed, Telegram finds {telegram['t']}")

    return e2e_support.verdict(failures, args.verbose)


if __name__ == "__main__":
    sys.exit(main())
