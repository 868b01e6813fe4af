#!/usr/bin/env python3
"""Writes seed corpora for the libFuzzer targets into OUT/<target>/: articles from corpus/,
JSONL lines made from them, legacy encodings, and the queries of tests/query_parser_test.cpp.

    python3 tests/fuzz/make_seeds.py --source-dir . --out /tmp/izdeu-seeds
"""
import argparse
import hashlib
import json
import os
import re


def write_seed(folder, data):
    os.makedirs(folder, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def corpus_articles(source_dir):
    root = os.path.join(source_dir, "corpus")
    for dirpath, _, files in sorted(os.walk(root)):
        for name in sorted(files):
            if name.endswith(".txt"):
                with open(os.path.join(dirpath, name), "rb") as f:
                    yield os.path.relpath(os.path.join(dirpath, name), root), f.read()


def test_queries(source_dir):
    """Raw-string queries from the parser's golden table, plus a few with every operator."""
    with open(os.path.join(source_dir, "tests", "query_parser_test.cpp"), encoding="utf-8") as f:
        text = f.read()
    queries = set(re.findall(r'\{R"\((.*?)\)",', text))
    queries.update(re.findall(r'\{"((?:[^"\\]|\\.)*)",', text))
    queries.update(['court ombudsman', '"constitutional court" AND date:2023-08..',
                    '(a OR b) NOT c', 'court NEAR/5 reform', 'const*', 'title:budget lang:ru',
                    '="Конституционного суда"', 'credit:Akorda id:en/001.txt', 'date:7d..',
                    '+a -b c', 'Конституциялық сот', '(((a)))', 'a AND', '"unbalanced'])
    return sorted(q for q in queries if q)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    for rel, data in corpus_articles(args.source_dir):
        write_seed(os.path.join(args.out, "fuzz_article_parser"), data)
        write_seed(os.path.join(args.out, "fuzz_text_decoder"), data)
        text = data.decode("utf-8", errors="replace")
        for language_byte in (b"\x00", b"\x01", b"\x02", b"\x03"):
            write_seed(os.path.join(args.out, "fuzz_analyzer"), language_byte + data[:4000])
        write_seed(os.path.join(args.out, "fuzz_word_segmenter"), data[:4000])
        for codec in ("cp1251", "koi8_r", "utf-16"):
            try:
                write_seed(os.path.join(args.out, "fuzz_text_decoder"), text.encode(codec))
            except UnicodeEncodeError:
                pass  # Kazakh letters are not in the Russian code pages
        lines = text.split("\n")
        record = {"id": rel, "title": lines[0], "text": "\n".join(lines[2:]), "lang": rel[:2],
                  "date": "2023-08-29", "credit": "Akorda"}
        write_seed(os.path.join(args.out, "fuzz_jsonl_reader"),
                   (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
    write_seed(os.path.join(args.out, "fuzz_jsonl_reader"),
               b'{"id": "a", "text": "x"}\nnot json\n{"text": "no id"}\n{"id": 5}\n'
               b'{"id": "t", "title": ["x"]}\n{"id": "a", "text": "dup"}\n')
    for query in test_queries(args.source_dir):
        write_seed(os.path.join(args.out, "fuzz_query_parser"), query.encode("utf-8"))


if __name__ == "__main__":
    main()
