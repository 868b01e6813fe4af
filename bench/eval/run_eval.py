#!/usr/bin/env python3
"""Relevance evaluation harness: how well does izdeu rank, against known baselines?

For each judged collection (a folder with docs.jsonl, queries.tsv, qrels.txt; see
/work/shared/eval/README.md) it indexes the documents with izdeu-index into a fresh
temporary database, runs every query through izdeu-query as a TREC run (top 100),
scores the run with trec_metrics (trec_eval conventions, averaged like `trec_eval -c`)
and prints a markdown table next to the best baseline of the collection README.

The baselines are parsed from the README at run time so that the table can never
disagree with the numbers published next to the data.

Exit status: 0 ok; 1 --guard found a collection whose nDCG@10 is below stock Xapian;
2 usage error, missing binaries or missing/invalid collection files; 3 an izdeu tool
failed or printed something that is not a TREC run.

Examples:
    python3 bench/eval/run_eval.py
    python3 bench/eval/run_eval.py --collections cranfield,med --query-opt=--no-stem
    python3 bench/eval/run_eval.py --guard --write-md EVALUATION.md
(Options for the tools that start with '-' must be attached with '=', as above; a
value with spaces is split shell-style, so --query-opt='--k1 1.2' passes two words.)
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import trec_metrics  # noqa: E402  (needs the path above when imported from elsewhere)

REPO_ROOT = Path(__file__).resolve().parents[2]
# The shared collections live beside the checkout (../shared/eval), never inside it.
DEFAULT_EVAL_DIR = REPO_ROOT.parent / "shared" / "eval"
DEFAULT_BUILD_DIR = REPO_ROOT / "build" / "release"
INDEX_BINARY = Path("indexer") / "izdeu-index"
QUERY_BINARY = Path("query") / "izdeu-query"
RUN_DEPTH = 100
MARK_BEGIN = "<!-- eval:begin -->"
MARK_END = "<!-- eval:end -->"

EXIT_OK, EXIT_GUARD, EXIT_USAGE, EXIT_TOOL = 0, 1, 2, 3


class UsageError(Exception):
    """Bad options or inputs the user must fix; exit status 2."""


class ToolError(Exception):
    """An izdeu tool failed or printed an unreadable run; exit status 3."""


# ---------------------------------------------------------------- baselines

@dataclass(frozen=True)
class Baseline:
    """One system's published nDCG@10 / MAP@100 on one collection."""

    system: str
    ndcg: float
    map: float
    decimals: int  # precision the number was published with; the guard compares at it


@dataclass(frozen=True)
class CollectionBaselines:
    """The README's baselines of one collection; `stock` is the first numeric column."""

    stock: Baseline
    best: Baseline


_PAIR = re.compile(r"(\d+(?:\.(\d+))?)\s*/\s*(\d+(?:\.\d+)?)")


def _table_cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _markdown_tables(text: str) -> list[list[list[str]]]:
    """Every markdown table of `text` as rows of cells, separator rows dropped."""
    tables, current = [], []
    for line in text.splitlines():
        if line.lstrip().startswith("|"):
            cells = _table_cells(line)
            if not all(re.fullmatch(r":?-{2,}:?", cell) for cell in cells if cell):
                current.append(cells)
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables


def _system_name(header: str) -> str:
    """Short column name: 'Xapian, stock (TermGenerator ...)' -> 'Xapian, stock'."""
    return header.split(" (")[0].strip()


def parse_baselines(readme_text: str) -> dict[str, CollectionBaselines]:
    """{collection: baselines} from the table whose first header cell is 'collection'.

    Cells read 'nDCG / MAP' (anything after the pair, such as a note, is ignored).
    The best baseline is the column with the highest nDCG@10, the first on a tie.
    """
    return _parse_baseline_tables(readme_text, ("collection",), first_only=True)


def parse_all_baselines(readme_text: str) -> dict[str, CollectionBaselines]:
    """The baselines of every collection: the first table and the news sets' table."""
    return _parse_baseline_tables(readme_text, ("collection", "news collection"), first_only=False)


def _parse_baseline_tables(readme_text: str, headers: tuple[str, ...], first_only: bool) -> dict[str, CollectionBaselines]:
    merged: dict[str, CollectionBaselines] = {}
    for table in _markdown_tables(readme_text):
        header, rows = table[0], table[1:]
        if not header or header[0].lower() not in headers:
            continue
        result = {}
        for row in rows:
            found = []
            for column, cell in enumerate(row[1:], start=1):
                match = _PAIR.match(cell)
                if match and column < len(header):
                    decimals = len(match.group(2) or "")
                    found.append(Baseline(_system_name(header[column]), float(match.group(1)),
                                          float(match.group(3)), decimals))
            if found:
                best = max(found, key=lambda baseline: baseline.ndcg)  # max keeps the first
                result[row[0]] = CollectionBaselines(stock=found[0], best=best)
        if result and first_only:
            return result
        merged.update(result)
    return merged


# ---------------------------------------------------------------- tools

@dataclass(frozen=True)
class Tools:
    index: Path
    query: Path


def find_tools(build_dir: Path) -> Tools:
    """The two binaries under `build_dir`, or a UsageError that says how to get them."""
    tools = Tools(build_dir / INDEX_BINARY, build_dir / QUERY_BINARY)
    missing = [path for path in (tools.index, tools.query) if not (path.is_file() and os.access(path, os.X_OK))]
    if missing:
        listing = "\n".join(f"  {path}" for path in missing)
        raise UsageError(
            f"izdeu binaries not found or not executable:\n{listing}\n"
            f"build the C++ tools first (cmake --build <build dir>), or point --build at the "
            f"build directory that holds indexer/izdeu-index and query/izdeu-query")
    return tools


def _run_tool(command: list[str], what: str, timeout: float) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise ToolError(f"{what}: no answer after {timeout:.0f} s: {shlex.join(command)}") from None
    except OSError as error:
        raise ToolError(f"{what}: cannot start {command[0]}: {error}") from None


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def index_collection(tools: Tools, docs: Path, db: Path, options: list[str], timeout: float) -> list[str]:
    """Index `docs` into a new database; returns warnings (exit 1: some articles failed)."""
    command = [str(tools.index), "--db", str(db), "--rebuild", "--quiet", *options, str(docs)]
    done = _run_tool(command, "izdeu-index", timeout)
    if done.returncode == 1:
        return [f"izdeu-index: some articles failed: {_tail(done.stderr, 5) or '(no message)'}"]
    if done.returncode != 0:
        raise ToolError(f"izdeu-index exited with {done.returncode}: {shlex.join(command)}\n{_tail(done.stderr)}")
    return []


def run_queries(tools: Tools, db: Path, queries: Path, options: list[str], timeout: float) -> str:
    """Run every query of `queries` and return the TREC run izdeu-query printed."""
    command = [str(tools.query), "--db", str(db), "--batch", str(queries), "--plain",
               "--format", "trec", "--limit", str(RUN_DEPTH), *options]
    done = _run_tool(command, "izdeu-query", timeout)
    if done.returncode != 0:
        raise ToolError(f"izdeu-query exited with {done.returncode}: {shlex.join(command)}\n{_tail(done.stderr)}")
    return done.stdout


# ---------------------------------------------------------------- evaluation

@dataclass(frozen=True)
class JudgedCollection:
    """The files of one collection, checked and with its qrels already read."""

    name: str
    docs: Path
    queries: Path
    qrels: trec_metrics.Qrels


@dataclass
class CollectionResult:
    name: str
    means: dict[str, float]
    per_query: dict[str, dict[str, float]]
    baselines: CollectionBaselines | None
    queries_without_results: int
    warnings: list[str] = field(default_factory=list)

    @property
    def ndcg(self) -> float:
        return self.means["ndcg_cut_10"]

    def delta_percent(self) -> float | None:
        """Relative change of nDCG@10 against the best baseline, in percent."""
        if self.baselines is None or self.baselines.best.ndcg == 0:
            return None
        return (self.ndcg - self.baselines.best.ndcg) / self.baselines.best.ndcg * 100


def read_judged_collection(folder: Path) -> JudgedCollection:
    """Check the three files exist and read the qrels, before any tool runs."""
    docs, queries, qrels_path = folder / "docs.jsonl", folder / "queries.tsv", folder / "qrels.txt"
    for path in (docs, queries, qrels_path):
        if not path.is_file():
            raise UsageError(f"{folder.name}: missing {path}")
    try:
        return JudgedCollection(folder.name, docs, queries, trec_metrics.read_qrels(qrels_path))
    except ValueError as error:
        raise UsageError(f"{qrels_path}: {error}") from None


def evaluate_collection(collection: JudgedCollection, tools: Tools, args: argparse.Namespace,
                        baselines: CollectionBaselines | None) -> CollectionResult:
    """Index, query and score one collection in a temporary directory removed afterwards."""
    name, qrels = collection.name, collection.qrels
    workdir = Path(tempfile.mkdtemp(prefix=f"izdeu-eval-{name}-"))
    try:
        db = workdir / "db"
        print(f"[{name}] indexing {collection.docs}", file=sys.stderr)
        warnings = index_collection(tools, collection.docs, db, args.index_opt, args.timeout)
        print(f"[{name}] querying {collection.queries}", file=sys.stderr)
        run_text = run_queries(tools, db, collection.queries, args.query_opt, args.timeout)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if args.save_runs:
        args.save_runs.mkdir(parents=True, exist_ok=True)
        (args.save_runs / f"{name}.run").write_text(run_text, encoding="utf-8")
    try:
        run = trec_metrics.read_run(run_text.splitlines())
    except ValueError as error:
        raise ToolError(f"{name}: izdeu-query output is not a TREC run: {error}") from None
    per_query = trec_metrics.evaluate_per_query(qrels, run)
    unknown = sorted(set(run) - set(qrels))
    if unknown:
        warnings.append(f"run has {len(unknown)} queries not in qrels (ignored), e.g. {unknown[0]}")
    for warning in warnings:
        print(f"[{name}] warning: {warning}", file=sys.stderr)
    return CollectionResult(
        name=name,
        means=trec_metrics.mean_of(per_query),
        per_query=per_query,
        baselines=baselines,
        queries_without_results=sum(1 for qid in per_query if not run.get(qid)),
        warnings=warnings,
    )


def choose_collections(eval_dir: Path, wanted: str | None, order: list[str]) -> list[Path]:
    """Requested collections (all by default), in the README's table order then by name."""
    if not eval_dir.is_dir():
        raise UsageError(f"evaluation directory not found: {eval_dir}")
    available = {path.name: path for path in eval_dir.iterdir() if (path / "qrels.txt").is_file()}
    if wanted:
        names = [name.strip() for name in wanted.split(",") if name.strip()]
        unknown = [name for name in names if name not in available]
        if unknown:
            raise UsageError(f"unknown collection(s) {', '.join(unknown)}; "
                             f"available: {', '.join(sorted(available)) or 'none'}")
    else:
        names = sorted(available, key=lambda name: (order.index(name) if name in order else len(order), name))
    if not names:
        raise UsageError(f"no collections (folders with qrels.txt) in {eval_dir}")
    return [available[name] for name in names]


def guard_failures(results: list[CollectionResult], guarded: set[str] | None = None) -> list[str]:
    """Collections (of `guarded`, or all) whose nDCG@10 is below stock Xapian's, one message each.

    The comparison is made at the precision the baseline was published with (0.350 has
    three decimals, so izdeu must reach 0.3495): the published number is itself rounded.
    """
    failures = []
    for result in results:
        if result.baselines is None or (guarded is not None and result.name not in guarded):
            continue
        stock = result.baselines.stock
        if round(result.ndcg, stock.decimals) < stock.ndcg:
            failures.append(f"{result.name}: nDCG@10 {result.ndcg:.4f} < {stock.system} {stock.ndcg:.{stock.decimals}f}")
    return failures


# ---------------------------------------------------------------- reporting

def _format_delta(delta: float | None) -> str:
    return "–" if delta is None else f"{delta:+.1f}%"


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def markdown_table(results: list[CollectionResult]) -> str:
    """The results table, with an unweighted average row over the collections shown."""
    lines = [
        "| collection | izdeu nDCG@10 | MAP@100 | P@10 | R@100 | best baseline nDCG@10 / MAP@100 | Δ nDCG vs best |",
        "|---|---|---|---|---|---|---|",
    ]
    for result in results:
        means = result.means
        best = result.baselines.best if result.baselines else None
        baseline_cell = f"{best.ndcg:.3f} / {best.map:.3f} ({best.system})" if best else "–"
        lines.append(f"| {result.name} | {means['ndcg_cut_10']:.4f} | {means['map_cut_100']:.4f} | "
                     f"{means['P_10']:.4f} | {means['recall_100']:.4f} | {baseline_cell} | "
                     f"{_format_delta(result.delta_percent())} |")
    averages = {measure: _mean([result.means[measure] for result in results]) for measure in trec_metrics.MEASURES}
    with_baseline = [result for result in results if result.baselines]
    if len(with_baseline) == len(results):
        best_ndcg = _mean([result.baselines.best.ndcg for result in results])
        best_map = _mean([result.baselines.best.map for result in results])
        baseline_cell = f"{best_ndcg:.3f} / {best_map:.3f}"
        delta = _format_delta((averages["ndcg_cut_10"] - best_ndcg) / best_ndcg * 100 if best_ndcg else None)
    else:
        baseline_cell, delta = "–", "–"
    lines.append(f"| **average** | {averages['ndcg_cut_10']:.4f} | {averages['map_cut_100']:.4f} | "
                 f"{averages['P_10']:.4f} | {averages['recall_100']:.4f} | {baseline_cell} | {delta} |")
    return "\n".join(lines)


def _git_description() -> str:
    try:
        done = subprocess.run(["git", "-C", str(REPO_ROOT), "describe", "--always", "--dirty"],
                              capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return done.stdout.strip() or "unknown"


def markdown_report(results: list[CollectionResult], args: argparse.Namespace) -> str:
    """Table plus the notes a reader needs to reproduce and interpret it."""
    options = " ".join(shlex.quote(option) for option in args.query_opt) or "(none)"
    index_options = " ".join(shlex.quote(option) for option in args.index_opt) or "(none)"
    notes = [
        "",
        f"Measured {datetime.date.today().isoformat()} at {_git_description()} with "
        f"`bench/eval/run_eval.py`; query options: {options}; index options: {index_options}.",
        "Measures as trec_eval 9.x (`ndcg_cut.10`, `map_cut.100`, `P.10`, `recall.100`; ties by docno "
        "descending), averaged over every judged query with a relevant document (`-c`: no results = 0). "
        "Baselines from the collection README; the average row is the unweighted mean over collections "
        "(its baseline cell averages each collection's best baseline).",
    ]
    missing = [f"{result.name}: {result.queries_without_results}" for result in results if result.queries_without_results]
    if missing:
        notes.append(f"Queries with no results (scored 0): {', '.join(missing)}.")
    return markdown_table(results) + "\n" + "\n".join(notes)


def replace_marked_section(text: str, body: str) -> str:
    """`text` with everything between the eval markers replaced by `body`.

    Without markers the section is appended, so a new EVALUATION.md can start empty.
    """
    block = f"{MARK_BEGIN}\n{body.rstrip()}\n{MARK_END}"
    begin, end = text.find(MARK_BEGIN), text.find(MARK_END)
    if begin == -1 and end == -1:
        separator = "" if not text or text.endswith("\n\n") else ("\n" if text.endswith("\n") else "\n\n")
        return f"{text}{separator}{block}\n"
    if begin == -1 or end == -1 or end < begin:
        raise UsageError(f"need both {MARK_BEGIN} and {MARK_END}, in that order")
    return text[:begin] + block + text[end + len(MARK_END):]


def write_markdown(path: Path, body: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    try:
        updated = replace_marked_section(text, body)
    except UsageError as error:
        raise UsageError(f"{path}: {error}") from None
    path.write_text(updated, encoding="utf-8")


def json_report(results: list[CollectionResult], failures: list[str], args: argparse.Namespace) -> str:
    def baseline_dict(baseline: Baseline) -> dict:
        return {"system": baseline.system, "ndcg_cut_10": baseline.ndcg, "map_cut_100": baseline.map}

    collections = {}
    for result in results:
        entry = {**result.means, "queries_without_results": result.queries_without_results,
                 "delta_ndcg_vs_best_percent": result.delta_percent(), "warnings": result.warnings,
                 "per_query": result.per_query}
        if result.baselines:
            entry["baseline_stock"] = baseline_dict(result.baselines.stock)
            entry["baseline_best"] = baseline_dict(result.baselines.best)
        collections[result.name] = entry
    report = {
        "collections": collections,
        "average": {measure: _mean([r.means[measure] for r in results]) for measure in trec_metrics.MEASURES},
        "query_options": args.query_opt,
        "index_options": args.index_opt,
        "guard_failures": failures if args.guard else None,
    }
    return json.dumps(report, indent=2, ensure_ascii=False)


# ---------------------------------------------------------------- main

def _split_options(values: list[str]) -> list[str]:
    """Each repeated option value split shell-style, so one value may carry an argument."""
    return [word for value in values for word in shlex.split(value)]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n\n".join(__doc__.split("\n\n")[2:]))
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR,
                        help="folder of judged collections (default: %(default)s)")
    parser.add_argument("--build", type=Path, default=DEFAULT_BUILD_DIR,
                        help="build directory with indexer/izdeu-index and query/izdeu-query (default: %(default)s)")
    parser.add_argument("--collections", help="comma-separated collection names (default: all)")
    parser.add_argument("--query-opt", action="append", default=[], metavar="OPT",
                        help="extra izdeu-query option, repeatable; write --query-opt=--flag")
    parser.add_argument("--index-opt", action="append", default=[], metavar="OPT",
                        help="extra izdeu-index option, repeatable; write --index-opt=--flag")
    parser.add_argument("--write-md", type=Path, metavar="FILE",
                        help=f"rewrite the section between {MARK_BEGIN} and {MARK_END} in FILE")
    parser.add_argument("--guard", action="store_true",
                        help="exit 1 if nDCG@10 on any collection is below its stock-Xapian baseline")
    parser.add_argument("--json", action="store_true", help="print JSON (with per-query values) instead of markdown")
    parser.add_argument("--save-runs", type=Path, metavar="DIR", help="keep each TREC run as DIR/<collection>.run")
    parser.add_argument("--timeout", type=float, default=1800, metavar="SECONDS",
                        help="limit for each tool invocation (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        args.query_opt = _split_options(args.query_opt)
        args.index_opt = _split_options(args.index_opt)
    except ValueError as error:
        parser.error(f"cannot split tool options: {error}")
    return args


def run(args: argparse.Namespace) -> int:
    readme = args.eval_dir / "README.md"
    readme_text = readme.read_text(encoding="utf-8") if readme.is_file() else ""
    # Every collection is shown next to its best baseline, and the guard covers every table: the
    # news sets joined it once izdeu was ahead of the best stock engine on them (issue 16).
    baselines = parse_all_baselines(readme_text)
    guarded = set(baselines)
    if not baselines:
        print(f"warning: no baseline table found in {readme}", file=sys.stderr)
    tools = find_tools(args.build)
    collections = [read_judged_collection(folder)
                   for folder in choose_collections(args.eval_dir, args.collections, list(baselines))]
    results = [evaluate_collection(collection, tools, args, baselines.get(collection.name))
               for collection in collections]

    failures = guard_failures(results, guarded) if args.guard else []
    unguarded = [result.name for result in results if result.name not in guarded]
    markdown = markdown_report(results, args)
    print(json_report(results, failures, args) if args.json else markdown)
    if args.write_md:
        write_markdown(args.write_md, markdown)
        print(f"updated {args.write_md}", file=sys.stderr)
    if args.guard:
        if unguarded:
            print(f"guard: {', '.join(unguarded)} not in the README's baseline tables; not guarded",
                  file=sys.stderr)
        for failure in failures:
            print(f"guard FAILED: {failure}", file=sys.stderr)
        if failures:
            return EXIT_GUARD
        print("guard: nDCG@10 at or above stock Xapian on every guarded collection", file=sys.stderr)
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return run(args)
    except UsageError as error:
        print(f"run_eval: {error}", file=sys.stderr)
        return EXIT_USAGE
    except ToolError as error:
        print(f"run_eval: {error}", file=sys.stderr)
        return EXIT_TOOL


if __name__ == "__main__":
    sys.exit(main())
