"""Frozen records passed between the pipeline stages.

Each stage takes and returns these; none of them holds a model or does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

DedupMethod = Literal["exact", "near", "paraphrase"]


@dataclass(frozen=True)
class Article:
    """One validated news article. ``text`` is plain text (HTML already stripped; empty when a
    page held no article text); ``title`` is None when neither the caller nor the page gave one."""

    id: str
    title: str | None
    text: str
    url: str | None = None
    source: str | None = None
    published: str | None = None


@dataclass(frozen=True)
class Sentence:
    """A sentence of an article: ``article.text[start:end] == text`` always holds.

    ``index`` counts the article's sentences from 0 (boilerplate included, so an index
    is stable whatever the cleaning drops); ``position`` is ``index / count`` in [0, 1);
    ``paragraph`` counts the article's non-empty lines from 0 (the line the sentence is on).
    """

    article_id: str
    index: int
    start: int
    end: int
    text: str
    position: float
    paragraph: int = 0

    @property
    def key(self) -> tuple[str, int]:
        return (self.article_id, self.index)


@dataclass(frozen=True)
class Detail:
    """A phrase another sentence gives (``text``, with its leading space or comma), to go into a
    brief sentence before its character ``at``, hung on its word ``on`` (a ``role`` of a person or
    organisation so named); ``source`` is that sentence's key (detail.py)."""

    text: str
    at: int
    source: tuple[str, int]
    on: str = ""
    role: bool = False


@dataclass(frozen=True)
class Dropped:
    """A sentence the clean stage set aside, and why (reported, never silently lost)."""

    sentence: Sentence
    reason: str


@dataclass(frozen=True)
class BriefWarning:
    """Something the caller should know about a brief that was still written: ``code`` is
    machine-readable (``article_set_aside``), ``message`` says what and why, ``article_id``
    names the article concerned when there is one."""

    code: str
    message: str
    article_id: str | None = None
    # the request field concerned (``articles[3].url``), when the warning is about one
    field: str | None = None


@dataclass(frozen=True)
class Cleaned:
    """What clean kept, what it set aside (every sentence is in one of the two), and a warning
    for each article set aside whole."""

    kept: tuple[Sentence, ...]
    dropped: tuple[Dropped, ...]
    warnings: tuple[BriefWarning, ...] = ()


@dataclass(frozen=True)
class Resolution:
    """A kept sentence with its references to people and things made explicit from its own
    article: ``text`` is the sentence with each replaced as ``replaced`` says ((words, by), in
    order; "He" → "Vladimir Medinsky", "The caller" → "The hoax caller"), ``antecedents`` are
    the rows of the kept sentences that gave the names and descriptions (cited with it), and
    ``described`` the replacements (their "by") that describe a thing rather than name a person."""

    row: int
    text: str
    replaced: tuple[tuple[str, str], ...]
    antecedents: tuple[int, ...]
    described: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Link:
    """Why two sentences were merged: ``method`` and its score (hash → 1.0, Jaccard, cosine)."""

    a: tuple[str, int]
    b: tuple[str, int]
    method: DedupMethod
    score: float


@dataclass(frozen=True)
class Group:
    """Sentences that tell the same fact. ``rows`` index the cleaned sentences (and their
    embeddings); ``members`` are those sentences, in story order; ``links`` say why they were
    merged (empty for a singleton). ``method`` is the loosest link used, or None."""

    id: int
    rows: tuple[int, ...]
    members: tuple[Sentence, ...]
    links: tuple[Link, ...] = ()

    @property
    def method(self) -> DedupMethod | None:
        order: tuple[DedupMethod, ...] = ("paraphrase", "near", "exact")
        used = {link.method for link in self.links}
        return next((m for m in order if m in used), None)

    @property
    def article_ids(self) -> frozenset[str]:
        return frozenset(s.article_id for s in self.members)


@dataclass(frozen=True)
class PlannedGroup:
    """A fact chosen for the brief: its group, its representative (the sentence plan chose to
    state it: the one that added most concepts per word and stands alone), its ``evidence`` rows
    (the representative and the group's members closest to it) and the concepts' worth it added."""

    group: Group
    evidence_rows: tuple[int, ...]
    score: float
    representative_row: int


@dataclass(frozen=True)
class Plan:
    items: tuple[PlannedGroup, ...]
    max_sentences: int
    max_words: int


@dataclass(frozen=True)
class Citation:
    """One source sentence that supports a brief sentence; ``score`` is its support in [0, 1]."""

    article_id: str
    sentence_index: int
    start: int
    end: int
    text: str
    score: float


@dataclass(frozen=True)
class Verdict:
    """The verifier's decision on a sentence and, when it fails, every reason."""

    supported: bool
    problems: tuple[str, ...] = ()
    # indexes of the candidate sentences that carry the sentence's claims: what it cites
    used: tuple[int, ...] = ()


SentenceMethod = Literal["compressed", "fused", "resolved", "quoted"]


@dataclass(frozen=True)
class BriefSentence:
    """A sentence of the brief and how it was made: ``fused`` (two source sentences joined, each
    with phrases left out; or one with details other sentences give taken in, detail.py),
    ``compressed`` (a source sentence with phrases left out), ``resolved`` (a source sentence
    whole, a person it names by pronoun or surname given their full name, a thing it names by "the"
    alone given its article's description) or ``quoted`` (a source sentence as is); the model chose
    the words left out under a grammar, it wrote none (write.py). ``rejected`` holds the attempts
    that failed, in order."""

    text: str
    citations: tuple[Citation, ...]
    method: SentenceMethod = "fused"
    attempts: int = 1
    rejected: tuple[str, ...] = field(default_factory=tuple)
    # the source sentences its words were taken from ((article id, sentence index)): one for a quote
    # or a compression, two or more for a fusion (those that gave details after the sentence), plus
    # the sentences that gave a resolved name or description
    drawn_from: tuple[tuple[str, int], ...] = ()

    @property
    def extractive(self) -> bool:
        return self.method == "quoted"


@dataclass(frozen=True)
class Brief:
    sentences: tuple[BriefSentence, ...]
    articles: tuple[Article, ...]
    groups: tuple[Group, ...]
    dropped: tuple[Dropped, ...]
    model: str
    embedder: str
    # per stage, plus "first_sentence" (when the first sentence was ready) and "total"
    timings_ms: dict[str, float]
    # llm_calls, prompt/completion tokens, prompt_ms/decode_ms (the LLM's own split of fuse)
    usage: dict[str, float]
    # the checked headline, None when asked for none or when no attempt passed the check
    headline: BriefSentence | None = None
    # articles left out, and anything else the caller should know about this brief
    warnings: tuple[BriefWarning, ...] = ()
