"""Stage 4, dedup: group sentences that tell the same fact, across and within articles.

Three passes, strictest first, and groups rather than deletions (a fact told by three
outlets keeps all three as evidence and citations):

1. ``exact``: the same words after folding case, quotes and punctuation;
2. ``near``: word 3-gram shingle Jaccard ≥ 0.5 (Broder 1997), i.e. the same sentence lightly edited;
3. ``paraphrase``: average-linkage agglomerative clustering of MiniLM embeddings, merging
   while the mean cosine between two groups is ≥ 0.65. Average rather than single linkage
   so that chains of loosely related sentences do not collapse into one group.

Threshold measured on the seeds: cross-article restatements of the prisoner swap, the
summit request and the ceasefire proposals score 0.66–0.82; at 0.62 two unrelated pairs
merged ("Russia requires the end of arms deliveries" with "Ukraine insists on a
ceasefire", 0.626). MiniLM cosine is coarse on one-story text (every sentence shares the
story's vocabulary), so a merge also needs a shared name or number between the two
closest sentences; verify, not dedup, is what guarantees a brief sentence is supported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from summarizer.brief.types import DedupMethod, Group, Link, Sentence
from summarizer.nlp.text import anchors, jaccard, numbers, shingles, terms, words

NEAR_JACCARD = 0.5
PARAPHRASE_COSINE = 0.65


def dedup(sentences: Sequence[Sentence], embeddings: np.ndarray) -> tuple[Group, ...]:
    """Partition ``sentences`` (rows of ``embeddings``) into groups; every sentence is in one."""
    n = len(sentences)
    parent = list(range(n))
    links: list[tuple[int, int, DedupMethod, float]] = []

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int, method: DedupMethod, score: float) -> None:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
            links.append((i, j, method, score))

    first_of: dict[str, int] = {}
    for i, sentence in enumerate(sentences):
        key = " ".join(words(sentence.text))
        if key in first_of:
            union(first_of[key], i, "exact", 1.0)
        else:
            first_of[key] = i

    grams = [shingles(s.text) for s in sentences]
    for i in range(n):
        for j in range(i + 1, n):
            if find(i) != find(j):
                score = jaccard(grams[i], grams[j])
                if score >= NEAR_JACCARD:
                    union(i, j, "near", round(score, 3))

    _merge_paraphrases(embeddings, [_Fact.of(s.text) for s in sentences], find, union)

    clusters: dict[int, list[int]] = {}
    for i in range(n):
        clusters.setdefault(find(i), []).append(i)
    ordered = sorted(clusters.values(), key=lambda rows: rows[0])
    group_of = {row: g for g, rows in enumerate(ordered) for row in rows}
    groups = []
    for g, rows in enumerate(ordered):
        group_links = tuple(
            Link(sentences[i].key, sentences[j].key, method, score) for i, j, method, score in links if group_of[i] == g
        )
        groups.append(Group(g, tuple(rows), tuple(sentences[r] for r in rows), group_links))
    return tuple(groups)


def _merge_paraphrases(embeddings: np.ndarray, facts: list[_Fact], find, union) -> None:
    """Average-linkage agglomeration over the clusters left by the exact/near passes.

    Keeps the matrix of summed similarities between clusters, so a merge is a row/column
    addition and each step one vectorised argmax: O(k²) a merge, fine for a few hundred rows.
    """
    n = len(embeddings)
    if n < 2:
        return
    similarity = (embeddings @ embeddings.T).astype(np.float64)
    roots = sorted({find(i) for i in range(n)})
    members = [[i for i in range(n) if find(i) == r] for r in roots]
    index = np.zeros((len(roots), n))
    for c, rows in enumerate(members):
        index[c, rows] = 1.0
    sums = index @ similarity @ index.T
    sizes = index.sum(1)
    alive = np.ones(len(roots), dtype=bool)
    blocked = np.zeros((len(roots), len(roots)), dtype=bool)
    while alive.sum() > 1:
        average = sums / np.outer(sizes, sizes)
        np.fill_diagonal(average, -np.inf)
        average[~alive, :] = -np.inf
        average[:, ~alive] = -np.inf
        average[blocked] = -np.inf
        a, b = np.unravel_index(int(average.argmax()), average.shape)
        score = float(average[a, b])
        if score < PARAPHRASE_COSINE:
            return
        a, b = min(a, b), max(a, b)
        block = similarity[np.ix_(members[a], members[b])]
        i, j = np.unravel_index(int(block.argmax()), block.shape)
        row_a, row_b = members[a][i], members[b][j]
        if not facts[row_a].same_fact(facts[row_b]):
            blocked[a, b] = blocked[b, a] = True
            continue
        union(row_a, row_b, "paraphrase", round(score, 3))
        blocked[a, :] = blocked[:, a] = False
        members[a] = sorted(members[a] + members[b])
        sums[a, :] += sums[b, :]
        sums[:, a] += sums[:, b]
        sizes[a] += sizes[b]
        alive[b] = False


# Measured on dev28's alignments (bench/selection.py; pairs of sentences aligned to one reference
# sentence): a shared name or number alone, P 40.0 / R 11.8; numbers that agree and a shared content
# word besides, P 45.6 / R 10.6 (a cosine of 0.7 instead: P 48.4 / R 8.8).
SHARED_TERMS = 1


@dataclass(frozen=True)
class _Fact:
    """What two sentences must share to tell one fact rather than one topic."""

    anchors: frozenset[str]
    numbers: frozenset[str]
    terms: frozenset[str]

    @classmethod
    def of(cls, text: str) -> _Fact:
        specifics = frozenset(anchors(text))
        return cls(specifics, frozenset(numbers(text)), frozenset(terms(text) - specifics))

    def same_fact(self, other: _Fact) -> bool:
        """A shared name or number, numbers that agree when both have some, a shared content word."""
        if not self.anchors & other.anchors:
            return False
        if self.numbers and other.numbers and not self.numbers & other.numbers:
            return False
        return len(self.terms & other.terms) >= SHARED_TERMS
