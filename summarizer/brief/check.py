"""The public check: is each claim stated by the articles? Also what every brief sentence goes through.

``check_sentence`` is the one function that decides whether a sentence ships: it finds the
source sentences that could support it (``cite``), then checks it claim by claim against
them (``verify``); the sentence is supported only if every claim is, and it cites exactly the
sentences that carry its claims. ``check_claims`` applies it to free text (an editor's edit,
a claim from elsewhere): each claim is split into sentences and is supported only if all of
them are.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from summarizer.brief.cite import rank
from summarizer.brief.clean import clean
from summarizer.brief.ingest import Limits, ingest
from summarizer.brief.resolve import resolve
from summarizer.brief.segment import segment
from summarizer.brief.types import Article, Citation, Sentence
from summarizer.brief.verify import disputes, may_commit, verify
from summarizer.errors import InputError, InputTooLargeError
from summarizer.models.embed import Embedder

# A request checks what an editor or a newsletter tool has in hand: one brief's worth of
# claims, not a corpus (each sentence costs a parse and an embedding, ~20 ms here).
MAX_CLAIMS = 50
MAX_CLAIM_CHARS = 2_000


@dataclass(frozen=True)
class SentenceCheck:
    """One sentence of a claim: supported or not, the source sentences it cites, and, when not
    supported, each problem in plain language (the claim part and the words at fault)."""

    text: str
    supported: bool
    citations: tuple[Citation, ...]
    problems: tuple[str, ...] = ()
    # the closest source sentences, best first: what the check read (a judge reads them too)
    candidates: tuple[Citation, ...] = field(default=(), compare=False, repr=False)

    @property
    def score(self) -> float:
        return max((c.score for c in self.citations), default=0.0)


@dataclass(frozen=True)
class ClaimCheck:
    """A claim is supported only if all of its sentences are; ``score`` is its weakest sentence's."""

    claim: str
    sentences: tuple[SentenceCheck, ...]

    @property
    def supported(self) -> bool:
        return bool(self.sentences) and all(s.supported for s in self.sentences)

    @property
    def score(self) -> float:
        return min((s.score for s in self.sentences), default=0.0)


def check_sentence(
    text: str,
    text_vector: np.ndarray,
    candidates: Sequence[Sentence],
    candidate_vectors: np.ndarray,
    readings: Mapping[tuple[str, int], str] | None = None,
) -> SentenceCheck:
    """Check ``text`` claim by claim against the ``candidates`` closest to it; it cites the ones
    that carry its claims (when unsupported: the closest one, to show where it goes wrong).
    ``readings`` gives some candidates (by ``Sentence.key``) as the check reads them, their
    references to people resolved from their article (``resolve``): "He also accepted ..." read
    as "Vladimir Medinsky also accepted ..."; citations still quote the sentence as written."""
    readings = readings or {}
    pool = rank(text, text_vector, candidates, candidate_vectors) if text.strip() else ()
    read = [replace(c, text=readings.get((c.article_id, c.sentence_index), c.text)) for c in pool]
    verdict = verify(text, read)
    citations = tuple(pool[i] for i in verdict.used) if verdict.supported else pool[:1]
    return SentenceCheck(text, verdict.supported, citations, verdict.problems, pool)


def check_claims(
    raw_articles: Sequence[Mapping[str, Any]], claims: Sequence[str], embedder: Embedder, limits: Limits = Limits()
) -> tuple[ClaimCheck, ...]:
    """Check each claim against the articles: each sentence of a claim is checked against all the
    articles' usable sentences by ``check_sentence``, as the brief's own sentences are. Needs the
    embedder only. Raises ``InputError`` for bad articles or claims."""
    claims = validate_claims(claims)
    articles = ingest(raw_articles, limits)
    kept = clean(articles, segment(articles)).kept
    # sources read as the brief's own check reads them: a source "He" is the person it names
    readings = {kept[row].key: resolution.text for row, resolution in resolve(kept).items()}
    vectors = embedder.embed([s.text for s in kept])
    results = []
    for claim in claims:
        parts = [s.text for s in segment([Article(id="claim", title="", text=claim)])]
        part_vectors = embedder.embed(parts)
        checks = tuple(
            _undisputed(check_sentence(p, v, kept, vectors, readings), v, kept, vectors)
            for p, v in zip(parts, part_vectors, strict=True)
        )
        results.append(ClaimCheck(claim, checks))
    return tuple(results)


def _undisputed(
    checked: SentenceCheck, vector: np.ndarray, kept: Sequence[Sentence], vectors: np.ndarray
) -> SentenceCheck:
    """``checked``, not supported when a sentence it does not cite reports the commitment it
    states as only received (``disputing``), as the brief leaves such a sentence out."""
    if not checked.supported:
        return checked
    cited = {(c.article_id, c.sentence_index) for c in checked.citations}
    found = disputing(checked.text, vector, kept, vectors, lambda sentence: sentence.key in cited)
    if not found:
        return checked
    return replace(checked, supported=False, problems=checked.problems + tuple(problem for _, problem in found))


# A claim of commitment is read against this many of the sentences closest to it (embedding cosine)
# that are not its source: on the seeds the disputing sentence is the closest of the other article
# (0.70); 8 leaves room for a paraphrase that shares fewer words.
DISPUTE_NEIGHBOURS = 8


def disputing(
    text: str,
    vector: np.ndarray,
    candidates: Sequence[Sentence],
    vectors: np.ndarray,
    excluded: Callable[[Sentence], bool],
) -> tuple[tuple[int, str], ...]:
    """(index in ``candidates``, problem) for each of the ``DISPUTE_NEIGHBOURS`` candidates closest
    to ``text`` (rows of ``vectors``; those ``excluded`` passed over) that reports a commitment
    ``text`` states as only received (``verify.disputes``: "accepted the request" / "took note of
    this request"). The brief passes over its own article, the public check what a claim cites."""
    if not may_commit(text):
        return ()
    order = np.argsort(-(vectors @ vector), kind="stable")
    closest = [int(r) for r in order if not excluded(candidates[int(r)])][:DISPUTE_NEIGHBOURS]
    return tuple((closest[i], problem) for i, problem in disputes(text, [candidates[r].text for r in closest]))


def validate_claims(claims: object) -> list[str]:
    """The claims of a check request, or ``InputError`` naming the field and the limit."""
    if not isinstance(claims, list | tuple):
        raise InputError("claims must be a list of strings (one claim each).", field="claims")
    if not claims:
        raise InputError("claims is empty: give at least one claim to check.", field="claims")
    if len(claims) > MAX_CLAIMS:
        raise InputTooLargeError(
            f"{len(claims)} claims given; the limit is {MAX_CLAIMS} per request. Split them over several requests.",
            field="claims",
        )
    for i, claim in enumerate(claims):
        if not isinstance(claim, str) or not claim.strip():
            raise InputError(f"claims[{i}] must be a non-empty string.", field=f"claims[{i}]")
        if len(claim) > MAX_CLAIM_CHARS:
            raise InputTooLargeError(
                f"claims[{i}] has {len(claim):,} characters; the limit is {MAX_CLAIM_CHARS:,}. Split it.",
                field=f"claims[{i}]",
            )
    return [claim.strip() for claim in claims]
