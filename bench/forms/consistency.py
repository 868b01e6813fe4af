#!/usr/bin/env python3
"""Do a word's forms get one stem? Measured over the words of the judged collections (issue 15).

Russian: every word of news_ru_dev and xquad_ru_dev that hunspell-ru reads as one lemma only
(one reading, not a bare listing) should get the stem its lemma gets; the tokens that do not are
counted and grouped by (the word's last letters, the lemma's last letters), the largest classes
first, with examples. Kazakh (needs `unmunch` from Debian's hunspell-tools): hunspell-kk's noun
paradigms (its entries' forms), cut down to the forms kazqad_dev uses; the share of pairs of
forms of one paradigm that get one stem, by the rules alone as izdeu-index stems by default.

Neither is a held-out check (the dictionaries decide what a paradigm is, and hunspell-kk also
generates some wrong forms); they find classes, on real text, that hand-written lists miss.

    cmake -S . -B build/bench -DCMAKE_BUILD_TYPE=Release -DIZDEU_BENCH=ON -DIZDEU_TESTS=OFF
    cmake --build build/bench --target izdeu-stem-words
    python3 bench/forms/consistency.py [--tool build/bench/bench/izdeu-stem-words] [--top 30]
"""
import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
KK_DIC = "/usr/share/hunspell/kk_KZ.dic"
KK_AFF = "/usr/share/hunspell/kk_KZ.aff"
# The flags hunspell-kk gives a noun entry (its verbs and other words have other sets).
KK_NOUN_FLAGS = "ABbCcDdEeFfGgHhIiJjKkLl"


def words_of(paths, pattern):
    counts = collections.Counter()
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                doc = json.loads(line)
                text = " ".join(v for v in doc.values() if isinstance(v, str)).lower().replace("ё", "е")
                counts.update(re.findall(pattern, text))
    return counts


def stems(tool, words, *options):
    out = subprocess.run([tool, *options], input="\n".join(words) + "\n", capture_output=True, text=True,
                         check=True).stdout
    table = {}
    for line in out.splitlines():
        word, stem, readings = (line.split("\t") + ["", ""])[:3]
        table[word] = (stem, readings.split())
    return table


def russian(tool, eval_dir, top):
    counts = words_of([os.path.join(eval_dir, c, "docs.jsonl") for c in ("news_ru_dev", "xquad_ru_dev")],
                      r"[а-я]{3,}")
    table = stems(tool, list(counts))
    lemmas = {r[0].split("/")[0] for _, (_, r) in table.items() if len(r) == 1}
    table.update(stems(tool, sorted(lemmas - set(table))))
    checked = 0
    classes = collections.Counter()
    examples = collections.defaultdict(list)
    for word, n in counts.items():
        stem, readings = table[word]
        if len(readings) != 1 or "/b" in readings[0]:
            continue
        lemma = readings[0].split("/")[0]
        checked += n
        if table[lemma][0] != stem:
            key = ("noun" if "/n" in readings[0] else "other", word[-2:], lemma[-2:])
            classes[key] += n
            if len(examples[key]) < 4:
                examples[key].append(f"{word}>{stem} ({lemma}>{table[lemma][0]})")
    apart = sum(classes.values())
    print(f"Russian: {len(counts)} distinct words; {checked} tokens with one reading; {apart} of them "
          f"({100.0 * apart / max(checked, 1):.2f}%) stem apart from their lemma")
    for key, n in classes.most_common(top):
        print(f"  {n:6d}  {key[0]:5s} -{key[1]} / -{key[2]}: {', '.join(examples[key])}")


def kazakh(tool, eval_dir, top):
    if not shutil.which("unmunch"):
        print("Kazakh: skipped (unmunch not installed: apt-get install hunspell-tools)")
        return
    counts = words_of([os.path.join(eval_dir, "kazqad_dev", "docs.jsonl")], r"[а-яәіңғүұқөһ]{2,}")
    entries = []
    with open(KK_DIC, encoding="utf-8-sig") as f:
        next(f)
        for line in f:
            word, _, flags = line.strip().partition("/")
            entries.append((word.lower(), flags))
    forms = subprocess.run(["unmunch", KK_DIC, KK_AFF], capture_output=True, text=True).stdout.split("\n")
    # unmunch writes each entry and then its forms, entry by entry.
    paradigms, current, i = [], None, 0
    for form in forms:
        form = form.strip().lower()
        if i < len(entries) and form == entries[i][0]:
            current = [entries[i], {form}]
            paradigms.append(current)
            i += 1
        elif current is not None and form:
            current[1].add(form)
    table = stems(tool, list(counts), "--kazakh")
    pairs = met = 0
    missed = collections.Counter()
    seen = set()
    for (entry, flags), paradigm in paradigms:
        used = tuple(sorted(w for w in paradigm if w in counts))
        if flags != KK_NOUN_FLAGS or len(entry) < 3 or len(used) < 2 or used in seen:
            continue
        seen.add(used)
        for a in used:
            for b in used:
                if a != b:
                    pairs += 1
                    if table[a][0] == table[b][0]:
                        met += 1
                    else:
                        missed[(entry, a, table[a][0])] += 1
    print(f"Kazakh: {len(seen)} noun paradigms seen in kazqad_dev (roots of 3 letters or more); "
          f"{met}/{pairs} pairs of forms share a stem ({100.0 * met / max(pairs, 1):.2f}%)")
    for (entry, form, stem), n in missed.most_common(top):
        print(f"  {n:4d}  {entry}: {form}>{stem} (the entry: {table.get(entry, ('?',))[0]})")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tool", default=os.path.join(REPO, "build/bench/bench/izdeu-stem-words"))
    ap.add_argument("--eval-dir", default=os.path.join(os.path.dirname(REPO), "shared", "eval"))
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args()
    if not os.access(args.tool, os.X_OK):
        sys.exit(f"consistency.py: no {args.tool}; build it (see --help)")
    russian(args.tool, args.eval_dir, args.top)
    kazakh(args.tool, args.eval_dir, args.top)


if __name__ == "__main__":
    main()
