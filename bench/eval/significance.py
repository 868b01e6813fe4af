"""Whether a difference in nDCG@10 is larger than what the judged queries can tell apart.

A judged collection is a sample of queries: a ranking change that moves one headline's article
by a rank moves news_en_dev's mean by 0.001-0.002, and two variants that differ by that much may
differ only in which queries happened to be asked. Two standard tools say how much is signal:

- the **paired randomization test** (Fisher's sign-flip test, as in Smucker, Allan and Carterette,
  "A comparison of statistical significance tests for information retrieval evaluation", CIKM
  2007): if A and B were the same system, each query's difference would be as likely to have the
  other sign; the p-value is the share of sign assignments whose mean difference is at least as
  far from zero as the one observed (exact for few non-zero differences, sampled otherwise);
- the **bootstrap percentile interval**: the queries of each collection drawn again with
  replacement, the statistic computed on each draw, the middle 95% of those values.

Both are paired (the same queries for A and B) and stratified (queries are drawn or flipped within
their collection, and a group statistic such as "news average gain" is recomputed from every
collection's mean, as EVALUATION.md computes it). Random draws come from a seeded generator: the
same inputs give the same numbers.
"""

from __future__ import annotations

import itertools
import random
from typing import Callable, Mapping, Sequence

# Up to this many non-zero differences the sign flips are enumerated (2^16 = 65,536 assignments).
EXACT_LIMIT = 16


def paired_randomization_p(differences: Sequence[float], samples: int = 10000, seed: int = 1) -> float:
    """Two-sided p-value of the paired randomization test for the mean of `differences`.

    Queries whose difference is 0 are the same under any sign and drop out. With at most
    EXACT_LIMIT non-zero differences every sign assignment is counted; otherwise `samples`
    random assignments, with the observed one counted among them ((hits + 1) / (samples + 1)),
    so that a sampled p-value is never 0."""
    nonzero = [d for d in differences if d != 0]
    if not nonzero:
        return 1.0
    observed = abs(sum(nonzero))
    # Sums within rounding of the observed one count as reaching it.
    tolerance = 1e-9 * max(1.0, observed)
    if len(nonzero) <= EXACT_LIMIT:
        hits = total = 0
        for signs in itertools.product((1, -1), repeat=len(nonzero)):
            total += 1
            if abs(sum(s * d for s, d in zip(signs, nonzero))) >= observed - tolerance:
                hits += 1
        return hits / total
    rng = random.Random(seed)
    hits = 0
    for _ in range(samples):
        flipped = sum(d if rng.random() < 0.5 else -d for d in nonzero)
        if abs(flipped) >= observed - tolerance:
            hits += 1
    return (hits + 1) / (samples + 1)


def bootstrap_interval(strata: Mapping[str, Sequence[float]],
                       statistic: Callable[[Mapping[str, float]], float],
                       samples: int = 10000, level: float = 0.95, seed: int = 1) -> tuple[float, float]:
    """Percentile interval of `statistic` over stratified bootstrap draws.

    `strata` maps each collection to its per-query values (for a paired difference, each query's
    B - A); every draw takes as many values from each collection, with replacement, and passes
    `statistic` each collection's mean of its draw."""
    if not 0 < level < 1:
        raise ValueError("level must be between 0 and 1")
    rng = random.Random(seed)
    values = []
    for _ in range(samples):
        means = {}
        for name, items in strata.items():
            drawn = rng.choices(items, k=len(items)) if items else []
            means[name] = sum(drawn) / len(drawn) if drawn else 0.0
        values.append(statistic(means))
    values.sort()
    tail = (1 - level) / 2
    low = values[min(len(values) - 1, int(tail * len(values)))]
    high = values[max(0, min(len(values) - 1, int((1 - tail) * len(values)) - 1))]
    return low, high


def group_randomization_p(strata: Mapping[str, Sequence[float]],
                          statistic: Callable[[Mapping[str, float]], float],
                          samples: int = 10000, seed: int = 1) -> float:
    """The randomization test for a statistic of several collections' mean differences (such as
    the difference in news average gain): the signs are flipped per query in every collection at
    once, the statistic recomputed from each collection's mean, and the p-value is the share of
    draws at least as far from zero as the observed one ((hits + 1) / (samples + 1))."""
    def means_of(signed: Mapping[str, Sequence[float]]) -> dict[str, float]:
        return {name: (sum(items) / len(items) if items else 0.0) for name, items in signed.items()}

    observed = abs(statistic(means_of(strata)))
    if observed == 0:
        return 1.0
    tolerance = 1e-9 * max(1.0, observed)
    rng = random.Random(seed)
    # Zero differences keep their place in each mean's count but need no sign.
    nonzero = {name: [d for d in items if d != 0] for name, items in strata.items()}
    counts = {name: len(items) for name, items in strata.items()}
    hits = 0
    for _ in range(samples):
        means = {name: (sum(d if rng.random() < 0.5 else -d for d in nonzero[name]) / counts[name]
                        if counts[name] else 0.0) for name in strata}
        if abs(statistic(means)) >= observed - tolerance:
            hits += 1
    return (hits + 1) / (samples + 1)
