"""Ranking measures computed the way trec_eval 9.x computes them.

Why a re-implementation: the harness must run on a bare Debian with the Python standard
library only, and Debian does not package trec_eval. The numbers it prints are compared
with published baselines measured by trec_eval, so every convention below follows
trec_eval's source (usnistgov/trec_eval: get_trec_results.c, form_res_rels.c,
m_ndcg_cut.c, m_map_cut.c, m_P.c, m_recall.c, trec_eval.c), not textbook variants.

Measures (names as trec_eval prints them):

    ndcg_cut_10   nDCG@10 (`-m ndcg_cut.10`). Gain = the qrels grade (linear, not
                  2^g - 1); the document at rank r (1-based) is discounted by log2(r + 1),
                  so rank 1 counts fully. The ideal DCG ranks *every* judged document of
                  the query by grade, whether retrieved or not, and is cut at 10 too.
                  (trec_eval 9.0alpha special-cased rank 1 and used log2(r); every 9.0.x
                  release uses log2(r + 1) -- "i+2 since doc i has rank i+1".)
    map_cut_100   AP over the top 100 (`-m map_cut.100`): the sum of precision at each
                  relevant document within the top 100, divided by the number of
                  relevant documents of the query in the qrels (retrieved or not).
    P_10          relevant documents in the top 10, divided by 10 even when fewer than
                  10 were retrieved (`-m P.10`).
    recall_100    relevant documents in the top 100 over all relevant (`-m recall.100`).

A document is relevant when its grade is >= 1 (trec_eval's default `-l 1`). Documents
in the run but not in the qrels count as non-relevant; negative grades mean "in the
pool but unjudged" and count neither as relevant nor towards the ideal DCG.

Ordering (form_res_rels.c, comp_sim_docno): the rank column of the run is ignored.
Each query's documents are sorted by score descending and ties are broken by docno
DESCENDING in strcmp (byte) order -- `strcmp(p2->docno, p1->docno)` -- so among
equal scores "d5" ranks above "d3". Python compares str by code point, which is the
same order as strcmp on their UTF-8 bytes. Scores are doubles (atof). A docno that
appears twice for one query is an error in trec_eval and here.

Averaging: the mean is taken over every query of the qrels that has at least one
relevant document; such a query with no lines in the run scores 0 on every measure,
and run queries absent from the qrels are ignored. This is `trec_eval -c`, and it is
the honest choice: trec_eval's default averages only over queries that appear in the
run, so a system that returns nothing for its hard queries would look better.
One difference from `-c`: trec_eval -c also counts (as 0) qrels queries whose
judgments are all non-relevant; we leave those out, since no system can score on
them (pass include_unanswerable=True to count them as trec_eval -c does). None of
the collections in /work/shared/eval has such a query, so there the two agree.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping

NDCG_CUT = 10
MAP_CUT = 100
P_CUT = 10
RECALL_CUT = 100
RELEVANCE_LEVEL = 1

MEASURES = ("ndcg_cut_10", "map_cut_100", "P_10", "recall_100")

# qid -> docno -> grade, and qid -> docno -> score.
Qrels = dict[str, dict[str, int]]
Run = dict[str, dict[str, float]]


def _lines_of(path_or_lines: str | os.PathLike | Iterable[str]) -> Iterable[str]:
    """Yield the lines of a file path, or pass an iterable of lines through."""
    if isinstance(path_or_lines, (str, os.PathLike)):
        with open(path_or_lines, encoding="utf-8") as handle:
            yield from handle
    else:
        yield from path_or_lines


def _content_fields(path_or_lines) -> Iterable[tuple[int, list[str]]]:
    """(line number, whitespace-split fields) of each line that is not blank or '#'.

    trec_eval skips blank lines and lines starting with '#', and splits on any
    whitespace, so tabs, repeated spaces and CRLF endings are all fine.
    """
    for number, line in enumerate(_lines_of(path_or_lines), start=1):
        fields = line.split()
        if fields and not fields[0].startswith("#"):
            yield number, fields


def read_qrels(path_or_lines) -> Qrels:
    """Read TREC qrels (`qid iter docno grade`) into {qid: {docno: grade}}.

    Every judgment is kept, grade 0 included: grade-0 documents are not relevant but
    trec_eval still counts them as judged. A repeated (qid, docno) is an error, as in
    trec_eval, because it would silently pick one of two grades.
    """
    qrels: Qrels = {}
    for number, fields in _content_fields(path_or_lines):
        if len(fields) != 4:
            raise ValueError(f"qrels line {number}: expected 'qid iter docno grade', got {fields!r}")
        qid, _iteration, docno, grade_text = fields
        try:
            grade = int(grade_text)
        except ValueError:
            raise ValueError(f"qrels line {number}: grade {grade_text!r} is not an integer") from None
        judged = qrels.setdefault(qid, {})
        if docno in judged:
            raise ValueError(f"qrels line {number}: duplicate judgment for {qid} {docno}")
        judged[docno] = grade
    return qrels


def read_run(path_or_lines) -> Run:
    """Read a TREC run (`qid Q0 docno rank score tag`) into {qid: {docno: score}}.

    Accepts a path or any iterable of lines (e.g. a tool's stdout split into lines).
    The rank column is ignored, as trec_eval ignores it: the order comes from the
    scores (see rank_documents). Fields after the tag are ignored; fewer than six
    fields, a non-numeric score or a docno repeated within a query raise ValueError,
    as they make trec_eval stop.
    """
    run: Run = {}
    for number, fields in _content_fields(path_or_lines):
        if len(fields) < 6:
            raise ValueError(f"run line {number}: expected 'qid Q0 docno rank score tag', got {fields!r}")
        qid, _iteration, docno, _rank, score_text = fields[:5]
        try:
            score = float(score_text)
        except ValueError:
            raise ValueError(f"run line {number}: score {score_text!r} is not a number") from None
        scored = run.setdefault(qid, {})
        if docno in scored:
            raise ValueError(f"run line {number}: duplicate document {docno} for query {qid}")
        scored[docno] = score
    return run


def rank_documents(scores: Mapping[str, float]) -> list[str]:
    """Docnos in trec_eval's order: score descending, ties by docno descending."""
    return sorted(scores, key=lambda docno: (scores[docno], docno), reverse=True)


def _discount(rank: int) -> float:
    """log2(rank + 1) for a 1-based rank: 1 at rank 1, log2(3) at rank 2, ..."""
    return math.log2(rank + 1)


def ndcg_at(ranked: list[str], judged: Mapping[str, int], cutoff: int = NDCG_CUT) -> float:
    """nDCG at `cutoff` with linear gain; 0 when the query has no positive grade."""
    dcg = sum(
        judged.get(docno, 0) / _discount(rank)
        for rank, docno in enumerate(ranked[:cutoff], start=1)
        if judged.get(docno, 0) > 0
    )
    ideal_grades = sorted((grade for grade in judged.values() if grade > 0), reverse=True)
    ideal = sum(grade / _discount(rank) for rank, grade in enumerate(ideal_grades[:cutoff], start=1))
    return dcg / ideal if ideal > 0 else 0.0


def _is_relevant(docno: str, judged: Mapping[str, int]) -> bool:
    return judged.get(docno, 0) >= RELEVANCE_LEVEL


def _num_relevant(judged: Mapping[str, int]) -> int:
    return sum(1 for grade in judged.values() if grade >= RELEVANCE_LEVEL)


def average_precision_at(ranked: list[str], judged: Mapping[str, int], cutoff: int = MAP_CUT) -> float:
    """AP over the top `cutoff`, normalised by all relevant documents of the query."""
    num_relevant = _num_relevant(judged)
    if num_relevant == 0:
        return 0.0
    found = 0
    total = 0.0
    for rank, docno in enumerate(ranked[:cutoff], start=1):
        if _is_relevant(docno, judged):
            found += 1
            total += found / rank
    return total / num_relevant


def precision_at(ranked: list[str], judged: Mapping[str, int], cutoff: int = P_CUT) -> float:
    """Relevant documents in the top `cutoff` over `cutoff` (missing ranks count as misses)."""
    return sum(1 for docno in ranked[:cutoff] if _is_relevant(docno, judged)) / cutoff


def recall_at(ranked: list[str], judged: Mapping[str, int], cutoff: int = RECALL_CUT) -> float:
    """Relevant documents in the top `cutoff` over all relevant documents; 0 if none."""
    num_relevant = _num_relevant(judged)
    if num_relevant == 0:
        return 0.0
    return sum(1 for docno in ranked[:cutoff] if _is_relevant(docno, judged)) / num_relevant


def evaluate_query(scores: Mapping[str, float], judged: Mapping[str, int]) -> dict[str, float]:
    """All measures for one query, from its run scores and its judgments."""
    ranked = rank_documents(scores)
    return {
        "ndcg_cut_10": ndcg_at(ranked, judged, NDCG_CUT),
        "map_cut_100": average_precision_at(ranked, judged, MAP_CUT),
        "P_10": precision_at(ranked, judged, P_CUT),
        "recall_100": recall_at(ranked, judged, RECALL_CUT),
    }


def evaluated_queries(qrels: Qrels, include_unanswerable: bool = False) -> list[str]:
    """The queries the mean is taken over, in trec_eval's (strcmp) order.

    By default those with at least one relevant document; with include_unanswerable
    every query of the qrels, which is exactly what `trec_eval -c` averages over.
    """
    return sorted(
        qid for qid, judged in qrels.items() if include_unanswerable or _num_relevant(judged) > 0
    )


def evaluate_per_query(qrels: Qrels, run: Run, include_unanswerable: bool = False) -> dict[str, dict[str, float]]:
    """{qid: {measure: value}} for every evaluated query; no run lines means all zeros."""
    return {
        qid: evaluate_query(run.get(qid, {}), qrels[qid])
        for qid in evaluated_queries(qrels, include_unanswerable)
    }


def mean_of(per_query: Mapping[str, Mapping[str, float]]) -> dict[str, float]:
    """Arithmetic mean of each measure over the given queries, plus num_q."""
    count = len(per_query)
    means = {
        measure: (sum(values[measure] for values in per_query.values()) / count if count else 0.0)
        for measure in MEASURES
    }
    means["num_q"] = count
    return means


def evaluate(qrels: Qrels, run: Run, include_unanswerable: bool = False) -> dict[str, float]:
    """{measure: mean over evaluated queries} plus num_q (see the module docstring)."""
    return mean_of(evaluate_per_query(qrels, run, include_unanswerable))
