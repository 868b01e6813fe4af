#!/usr/bin/env python3
"""Writes a copy of a judged collection with every word cut to its first N letters.

The "five-letter cut" is the crude Kazakh stemmer the collection README quotes (about 0.75
nDCG@10 on kazqad_dev). To measure it with izdeu's ranking rather than quote it, cut the
documents and queries here, then index the copy without stemming:

    python3 bench/eval/prefix_cut.py --letters 5 kazqad_dev /tmp/cut5
    python3 bench/eval/run_eval.py --eval-dir /tmp/cut5 --index-opt=--no-stemming

The copy holds the collection folder (docs.jsonl, queries.tsv, qrels.txt) and the eval README,
so that run_eval.py still finds the baselines.
"""
import argparse
import json
import re
import shutil
from pathlib import Path

# A word: letters and digits (any script). Everything else is kept as it is.
WORD = re.compile(r"[^\W_]+")


def cut(text: str, letters: int) -> str:
    return WORD.sub(lambda m: m.group(0)[:letters], text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("collection", help="collection folder name under --eval-dir")
    parser.add_argument("out", type=Path, help="new evaluation folder to write")
    parser.add_argument("--letters", type=int, default=5)
    parser.add_argument("--eval-dir", type=Path, default=Path(__file__).resolve().parents[3] / "shared" / "eval")
    args = parser.parse_args()
    source = args.eval_dir / args.collection
    target = args.out / args.collection
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(args.eval_dir / "README.md", args.out / "README.md")
    shutil.copy(source / "qrels.txt", target / "qrels.txt")
    with open(source / "docs.jsonl", encoding="utf-8") as src, open(target / "docs.jsonl", "w", encoding="utf-8") as dst:
        for line in src:
            if not line.strip():
                continue
            doc = json.loads(line)
            for field in ("title", "text"):
                if isinstance(doc.get(field), str):
                    doc[field] = cut(doc[field], args.letters)
            dst.write(json.dumps(doc, ensure_ascii=False) + "\n")
    with open(source / "queries.tsv", encoding="utf-8") as src, open(target / "queries.tsv", "w", encoding="utf-8") as dst:
        for line in src:
            qid, _, text = line.rstrip("\n").partition("\t")
            dst.write(f"{qid}\t{cut(text, args.letters)}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
