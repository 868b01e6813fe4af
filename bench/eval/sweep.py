#!/usr/bin/env python3
"""Ranking settings measured on every collection, and chosen with collections held out in turn.

`run` indexes each collection once (with the given --index-opt) and runs its queries under
every query variant, adding nDCG@10 per collection and variant to a JSON results file (so that
index variants measured in separate runs land in one file):

    python3 bench/eval/sweep.py run --results /tmp/sweep.json --label base \\
        --variant default= --variant 'k1=1.2=--bm25-k1 1.2' --variant 'b=0.9=--bm25-b 0.9'

A variant is NAME=OPTIONS (the options split shell-style; empty for the defaults); its key in
the results is LABEL/NAME, where LABEL names the index options.

`loo` is the leave-one-out choice: for each collection, the variant with the best mean gain
over the best stock engine (nDCG@10 / best baseline - 1) on all the other collections, and its
score on the collection left out, next to the score of the variant chosen on all of them. A
setting that only wins where it was tuned shows as a held-out score below the tuned one.

    python3 bench/eval/sweep.py loo --results /tmp/sweep.json [--only 'base/*']
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import shlex
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run_eval  # noqa: E402
import trec_metrics  # noqa: E402


def _variants(specs: list[str]) -> list[tuple[str, list[str]]]:
    variants = []
    for spec in specs:
        name, sep, options = spec.partition("=")
        if not sep or not name:
            raise run_eval.UsageError(f"--variant takes NAME=OPTIONS, not {spec!r}")
        variants.append((name, shlex.split(options)))
    return variants


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def command_run(args: argparse.Namespace) -> int:
    readme = args.eval_dir / "README.md"
    baselines = run_eval.parse_all_baselines(readme.read_text(encoding="utf-8")) if readme.is_file() else {}
    tools = run_eval.find_tools(args.build)
    variants = _variants(args.variant)
    index_options = [word for value in args.index_opt for word in shlex.split(value)]
    folders = run_eval.choose_collections(args.eval_dir, args.collections, list(baselines))
    for folder in folders:
        collection = run_eval.read_judged_collection(folder)
        workdir = Path(tempfile.mkdtemp(prefix=f"izdeu-sweep-{collection.name}-"))
        try:
            db = workdir / "db"
            print(f"[{collection.name}] indexing", file=sys.stderr)
            run_eval.index_collection(tools, collection.docs, db, index_options, args.timeout)
            for name, options in variants:
                text = run_eval.run_queries(tools, db, collection.queries, options, args.timeout)
                per_query = trec_metrics.evaluate_per_query(collection.qrels, trec_metrics.read_run(text.splitlines()))
                ndcg = trec_metrics.mean_of(per_query)["ndcg_cut_10"]
                key = f"{args.label}/{name}"
                print(f"[{collection.name}] {key}: {ndcg:.4f}", file=sys.stderr)
                # Read and write per measurement: an interrupted sweep keeps what it measured.
                results = _load(args.results)
                results.setdefault(key, {})[collection.name] = ndcg
                results.setdefault("_options", {})[key] = {"index": index_options, "query": options}
                args.results.write_text(json.dumps(results, indent=1, sort_keys=True), encoding="utf-8")
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


def _gain(scores: dict[str, float], collections: list[str], best: dict[str, float]) -> float:
    return sum(scores[c] / best[c] - 1 for c in collections) / len(collections)


def command_loo(args: argparse.Namespace) -> int:
    readme = args.eval_dir / "README.md"
    best = {name: b.best.ndcg for name, b in run_eval.parse_all_baselines(readme.read_text(encoding="utf-8")).items()}
    results = {key: value for key, value in _load(args.results).items() if not key.startswith("_")}
    if args.only:
        results = {key: value for key, value in results.items()
                   if any(fnmatch.fnmatchcase(key, pattern) for pattern in args.only)}
    collections = sorted({c for scores in results.values() for c in scores if c in best})
    # Only variants measured on every collection can be compared.
    results = {key: scores for key, scores in results.items() if all(c in scores for c in collections)}
    if not results or not collections:
        raise run_eval.UsageError("no variant measured on every collection")
    tuned = max(sorted(results), key=lambda key: _gain(results[key], collections, best))
    print(f"chosen on all {len(collections)} collections: {tuned} "
          f"(mean gain over the best stock engine {_gain(results[tuned], collections, best) * 100:+.1f}%)")
    print()
    print("| held out | chosen on the others | held-out nDCG@10 | tuned on all nDCG@10 | best stock engine |")
    print("|---|---|---|---|---|")
    held_out_scores, tuned_scores = [], []
    for left_out in collections:
        others = [c for c in collections if c != left_out]
        chosen = max(sorted(results), key=lambda key: _gain(results[key], others, best))
        held_out_scores.append(results[chosen][left_out])
        tuned_scores.append(results[tuned][left_out])
        print(f"| {left_out} | {chosen} | {results[chosen][left_out]:.4f} | {results[tuned][left_out]:.4f} | "
              f"{best[left_out]:.3f} |")
    mean_best = sum(best[c] for c in collections) / len(collections)
    held_mean = sum(held_out_scores) / len(collections)
    tuned_mean = sum(tuned_scores) / len(collections)
    print(f"| **average** | | {held_mean:.4f} | {tuned_mean:.4f} | {mean_best:.3f} |")
    if args.table:
        print()
        print("| variant | " + " | ".join(collections) + " | mean gain |")
        print("|---|" + "---|" * (len(collections) + 1))
        for key in sorted(results, key=lambda k: -_gain(results[k], collections, best)):
            cells = " | ".join(f"{results[key][c]:.4f}" for c in collections)
            print(f"| {key} | {cells} | {_gain(results[key], collections, best) * 100:+.1f}% |")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n\n".join(__doc__.split("\n\n")[1:]))
    parser.add_argument("--eval-dir", type=Path, default=run_eval.DEFAULT_EVAL_DIR)
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="measure variants")
    run_parser.add_argument("--results", type=Path, required=True, help="JSON file the scores are added to")
    run_parser.add_argument("--build", type=Path, default=run_eval.DEFAULT_BUILD_DIR)
    run_parser.add_argument("--collections", help="comma-separated collection names (default: all)")
    run_parser.add_argument("--label", default="default", help="names the index options in the results")
    run_parser.add_argument("--index-opt", action="append", default=[], metavar="OPT")
    run_parser.add_argument("--variant", action="append", default=[], metavar="NAME=OPTIONS", required=True)
    run_parser.add_argument("--timeout", type=float, default=1800)
    loo_parser = commands.add_parser("loo", help="leave-one-out choice over measured variants")
    loo_parser.add_argument("--results", type=Path, required=True)
    loo_parser.add_argument("--only", action="append", default=[], metavar="GLOB", help="variants to choose among")
    loo_parser.add_argument("--table", action="store_true", help="also print every variant's scores")
    args = parser.parse_args(argv)
    try:
        return command_run(args) if args.command == "run" else command_loo(args)
    except run_eval.UsageError as error:
        print(f"sweep: {error}", file=sys.stderr)
        return run_eval.EXIT_USAGE
    except run_eval.ToolError as error:
        print(f"sweep: {error}", file=sys.stderr)
        return run_eval.EXIT_TOOL


if __name__ == "__main__":
    sys.exit(main())
