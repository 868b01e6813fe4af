#!/usr/bin/env python3
"""Word forms that must meet, and words that must stay apart, through the binaries (issue 15).

The golden tables in tests/data: morphology_ru.tsv and morphology_kk.tsv hold groups of forms of
one word (cases, plural); every form's query must find the article of every other form of its
group: as a bag of words, as a phrase after a fixed word (inflected: the phrase follows the
forms), and in title:. morphology_apart.tsv holds words whose articles must not be found by each
other. One article per form is indexed with the defaults (the hunspell-ru dictionary included,
which scripts/install-deps installs), and the queries run in one --batch.

    python3 tests/morphology_test.py --bin-dir build/ci [--source-dir .] [--verbose]
"""
import argparse
import os
import subprocess
import sys
import tempfile

import e2e_support

# Bodies written so that the article's language is detected right (the Kazakh one has Kazakh
# letters whatever the form) and the form follows a fixed word, for the phrase queries.
FRAMES = {
    "ru": ("Сообщают", "Сообщают {form} и другие новости дня."),
    "kk": ("хабарлады", "Бүгін үкімет хабарлады {form} және өңірдегі басқа жаңалықтар."),
}


def read_groups(path):
    groups = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            label, forms = line.split("\t")
            groups.append((label, forms.split()))
    return groups


def run(cmd, extra_env=None, **kw):
    env = dict(os.environ, LANG="C", LC_ALL="C", **(extra_env or {}))
    env.pop("IZDEU_DB", None)
    return subprocess.run(cmd, capture_output=True, text=True, env=env, **kw)


def article(title, body):
    return f"{title}\n\n{title}\nФото: Akorda 01.02.2024 10:00 100\n\n{body}\n"


def batch(bin_dir, db, queries, *options):
    """Runs {id: query} through izdeu-query --batch (with options); returns {id: set of article ids}."""
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".tsv", delete=False) as f:
        for qid, q in queries.items():
            f.write(f"{qid}\t{q}\n")
        name = f.name
    try:
        r = run([os.path.join(bin_dir, "query", "izdeu-query"), "--db", db, "--batch", name, "--format", "trec",
                 "--limit", "1000", "--no-collapse", *options])
    finally:
        os.unlink(name)
    if r.returncode not in (0, 1):
        sys.exit(f"izdeu-query --batch failed ({r.returncode}): {r.stderr}")
    found = {qid: set() for qid in queries}
    for line in r.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            found.setdefault(parts[0], set()).add(parts[2])
    return found


def check_without_dictionary(bin_dir, work):
    """Rules only when the dictionary is absent, said by --stats; a database built with a dictionary
    that has since gone is refused with the reason, not searched with other stems."""
    failures = []
    index, query = os.path.join(bin_dir, "indexer", "izdeu-index"), os.path.join(bin_dir, "query", "izdeu-query")
    corpus = os.path.join(work, "small")
    os.makedirs(corpus)
    with open(os.path.join(corpus, "a.txt"), "w", encoding="utf-8") as out:
        out.write(article("Паводок", FRAMES["ru"][1].format(form="паводка")))
    rules_db = os.path.join(work, "rules-db")
    r = run([index, "--db", rules_db, "--quiet", "--russian-dictionary", "none", corpus])
    stats = run([index, "--db", rules_db, "--stats"]).stdout
    if r.returncode != 0 or "rules only" not in stats:
        failures.append(f"--russian-dictionary none: exit {r.returncode}, stats: {stats!r}")
    if run([query, "--db", rules_db, "паводка"]).returncode != 0:
        failures.append("rules only: the word as written is not found")
    # A copy of the dictionary, used and then removed.
    copy = os.path.join(work, "dict")
    os.makedirs(copy)
    for ext in (".dic", ".aff"):
        with open("/usr/share/hunspell/ru_RU" + ext, "rb") as src, open(os.path.join(copy, "ru_RU" + ext), "wb") as dst:
            dst.write(src.read())
    gone_db = os.path.join(work, "gone-db")
    # The copy's word list is cached in a folder of the test's own, not in the user's cache.
    cache_env = {"XDG_CACHE_HOME": os.path.join(work, "cache")}
    r = run([index, "--db", gone_db, "--quiet", "--russian-dictionary", os.path.join(copy, "ru_RU.dic"), corpus],
            extra_env=cache_env)
    if r.returncode != 0 or run([query, "--db", gone_db, "паводок"], extra_env=cache_env).returncode != 0:
        failures.append(f"a dictionary given by path: exit {r.returncode} {r.stderr}")
    os.unlink(os.path.join(copy, "ru_RU.dic"))
    r = run([query, "--db", gone_db, "паводок"], extra_env=cache_env)
    if r.returncode != 3 or "--rebuild" not in r.stderr or "Russian dictionary" not in r.stderr:
        failures.append(f"dictionary gone: expected exit 3 asking for --rebuild, got {r.returncode}: {r.stderr}")
    return failures


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin-dir", required=True)
    ap.add_argument("--source-dir", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--russian-dictionary", help="passed to izdeu-index (none: measure the rules alone)")
    args = ap.parse_args()
    data = os.path.join(args.source_dir, "tests", "data")

    work = tempfile.mkdtemp(prefix="izdeu-morph-")
    corpus, db = os.path.join(work, "corpus"), os.path.join(work, "db")
    tables = {lang: read_groups(os.path.join(data, f"morphology_{lang}.tsv")) for lang in ("ru", "kk")}
    apart = []
    with open(os.path.join(data, "morphology_apart.tsv"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                q, others = line.split("\t")
                apart.append((q, others.split()))

    # One article per form: id "<lang>/<group>-<form>.txt".
    articles = {}  # (lang, group index, form) -> article id
    for lang, groups in tables.items():
        os.makedirs(os.path.join(corpus, lang), exist_ok=True)
        for g, (_, forms) in enumerate(groups):
            for k, form in enumerate(forms):
                rel = f"{lang}/{g:02d}-{k:02d}.txt"
                with open(os.path.join(corpus, rel), "w", encoding="utf-8") as out:
                    out.write(article(form, FRAMES[lang][1].format(form=form)))
                articles[(lang, g, form)] = rel
    apart_articles = {}
    os.makedirs(os.path.join(corpus, "apart"), exist_ok=True)
    for n, (q, others) in enumerate(apart):
        for k, word in enumerate([q] + others):
            rel = f"apart/{n:02d}-{k:02d}.txt"
            lang = "kk" if any(c in "әғқңөұүһі" for c in word.lower()) else "ru"
            with open(os.path.join(corpus, rel), "w", encoding="utf-8") as out:
                out.write(article(word, FRAMES[lang][1].format(form=word)))
            apart_articles[(n, word)] = rel

    extra = ["--russian-dictionary", args.russian_dictionary] if args.russian_dictionary else []
    r = run([os.path.join(args.bin_dir, "indexer", "izdeu-index"), "--db", db, "--quiet", *extra, corpus])
    if r.returncode != 0:
        sys.exit(f"izdeu-index failed ({r.returncode}): {r.stderr}")
    stats = run([os.path.join(args.bin_dir, "indexer", "izdeu-index"), "--db", db, "--stats"]).stdout
    if "dictionary" not in stats and not args.russian_dictionary:
        sys.exit("the Russian dictionary is not in use (install hunspell-ru: scripts/install-deps):\n" + stats)

    queries = {}
    for lang, groups in tables.items():
        for g, (_, forms) in enumerate(groups):
            for k, form in enumerate(forms):
                queries[f"{lang}:{g}:{k}:word"] = form
                queries[f"{lang}:{g}:{k}:phrase"] = f'"{FRAMES[lang][0]} {form}"'
                queries[f"{lang}:{g}:{k}:title"] = f"title:{form}"
    found = batch(args.bin_dir, db, queries)
    # Apart is about the stems. A place's family (common/derived_names.h) joins some of these words
    # on purpose, at query time (россиянин finds Россия); the analyzer and query tests check which.
    apart_queries = {}
    for n, (q, others) in enumerate(apart):
        for k, word in enumerate([q] + others):
            apart_queries[f"apart:{n}:{k}"] = word
    found.update(batch(args.bin_dir, db, apart_queries, "--no-derived-names"))

    failures = []
    for lang, groups in tables.items():
        pairs = met = 0
        for g, (label, forms) in enumerate(groups):
            for k, form in enumerate(forms):
                for kind in ("word", "phrase", "title"):
                    hits = found[f"{lang}:{g}:{k}:{kind}"]
                    for other in forms:
                        pairs += 1
                        if articles[(lang, g, other)] in hits:
                            met += 1
                        else:
                            failures.append(f"{lang} {kind}: {form!r} does not find {other!r} ({label})")
        print(f"{lang}: {len(groups)} groups, {met}/{pairs} (query form, article form) pairs found "
              f"({100.0 * met / pairs:.1f}%)")
    for n, (q, others) in enumerate(apart):
        words = [q] + others
        for k, word in enumerate(words):
            hits = found[f"apart:{n}:{k}"]
            for other in words:
                if (word == q) == (other == q):
                    continue  # forms on the same side may meet
                if apart_articles[(n, other)] in hits:
                    failures.append(f"apart: {word!r} finds {other!r}")
    failures += check_without_dictionary(args.bin_dir, work)
    return e2e_support.verdict(failures, args.verbose)


if __name__ == "__main__":
    sys.exit(main())
