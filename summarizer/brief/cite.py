"""Stage 7, cite: the source sentences that support a brief sentence, best first.

Support of a candidate = ½ embedding cosine + ½ coverage, where coverage is the share
of the sentence's content words, names and numbers that the candidate contains
(6-letter prefixes, so "Ukrainian" matches "Ukraine"). Cosine alone cannot tell
"1,000 prisoners" from "2,000 prisoners"; coverage alone misses paraphrase.
The best candidate is always cited; others are added when nearly as good (a fact two
outlets report cites both) or when they cover words the chosen ones do not (a fused
sentence needs all of its sources; one new name or number is enough) — after attribution by alignment, as in
Ernst et al. 2021 (SuperPAL) and Slobodkin et al. 2024.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from summarizer.brief.types import Citation, Sentence
from summarizer.nlp.text import anchors, terms

# Floors, set on dev28's human alignments (224 reference sentences fed to ``cite`` over all
# of their cluster's sentences; precision / recall / share with ≥1 correct source):
#   best ≥ 0.45, extra ≥ 0.45: 65.8 / 41.4 / 71.9   (heavily abstractive sentences got nothing)
#   best ≥ 0.30, extra ≥ 0.30: 71.1 / 56.5 / 89.7
#   best ≥ 0.30, extra ≥ 0.45: 77.4 / 48.1 / 83.5   ← chosen: better on all three than before,
#   and an extra citation must be as strong as before, so briefs cite no weaker sources.
# A brief sentence still needs its best citation ≥ 0.5 to pass ``verify``.
MIN_SUPPORT = 0.30
MIN_EXTRA_SUPPORT = 0.45
# "Nearly as good" as the best citation.
CLOSE_TO_BEST = 0.85
MAX_CITATIONS = 5
# Sentences the verifier reads for one sentence: a fused or summary sentence draws on a few
# (SummEdits summary sentences: up to 4); claims must each find one sentence among them, so
# more candidates do not let unrelated sentences lend words to a claim, only to the word check.
MAX_CANDIDATES = 10


def rank(
    text: str,
    text_vector: np.ndarray,
    candidates: Sequence[Sentence],
    candidate_vectors: np.ndarray,
    limit: int = MAX_CANDIDATES,
) -> tuple[Citation, ...]:
    """Up to ``limit`` candidates with support ≥ ``MIN_SUPPORT``, best first: the sentences a
    verifier should read before deciding which of them ``text`` cites."""
    if not candidates:
        return ()
    support = _support(terms(text), [terms(c.text) for c in candidates], candidate_vectors @ text_vector)
    order = [int(i) for i in np.argsort(-support, kind="stable")[:limit] if support[i] >= MIN_SUPPORT]
    return tuple(_citation(candidates[i], support[i]) for i in order)


def _support(wanted: set[str], candidate_terms: Sequence[set[str]], cosines: np.ndarray) -> np.ndarray:
    """½ cosine + ½ the share of ``wanted`` terms each candidate has (module docstring)."""
    coverage = np.array([len(wanted & t) / len(wanted) if wanted else 0.0 for t in candidate_terms])
    return 0.5 * np.clip(cosines, 0, 1) + 0.5 * coverage


def _citation(sentence: Sentence, support: float) -> Citation:
    return Citation(
        sentence.article_id, sentence.index, sentence.start, sentence.end, sentence.text, round(float(support), 3)
    )


def cite(
    text: str,
    text_vector: np.ndarray,
    candidates: Sequence[Sentence],
    candidate_vectors: np.ndarray,
) -> tuple[Citation, ...]:
    """Citations for ``text`` among ``candidates`` (rows of ``candidate_vectors``), best first.

    Returns an empty tuple only when no candidate reaches ``MIN_SUPPORT``.
    """
    if not candidates:
        return ()
    wanted = terms(text)
    candidate_terms = [terms(c.text) for c in candidates]
    support = _support(wanted, candidate_terms, candidate_vectors @ text_vector)
    order = [int(i) for i in np.argsort(-support, kind="stable")]
    best = order[0]
    if support[best] < MIN_SUPPORT:
        return ()
    key_terms = anchors(text)
    chosen = [best]
    covered = set(candidate_terms[best])
    for i in order[1:]:
        if len(chosen) == MAX_CITATIONS or support[i] < MIN_EXTRA_SUPPORT:
            break
        new_terms = (candidate_terms[i] & wanted) - covered
        if support[i] >= CLOSE_TO_BEST * support[best] or len(new_terms) >= 2 or new_terms & key_terms:
            chosen.append(i)
            covered |= candidate_terms[i]
    return tuple(_citation(candidates[i], support[i]) for i in chosen)
