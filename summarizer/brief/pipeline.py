"""The only place that knows the order of the stages.

ingest → segment → clean (``prepare``, no model) → embed → dedup (one group per fact) → plan (the
lead, then the most facts per word, in story order; only sentences that stand alone) → for each
planned fact: (compress its sentence by deletion → check; else, with ``fuse_groups``, fuse the
group's evidence → check; else quote the sentence) → headline (cut from the first sentence by
deletion → check) → Brief; nothing written is refused (``nothing_to_say``), never an empty brief.
``check`` is cite + verify (check.py), the same for ``check_claims``.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any, ClassVar

from summarizer.brief.check import ClaimCheck, check_claims, check_sentence
from summarizer.brief.cite import cite
from summarizer.brief.clean import clean
from summarizer.brief.dedup import dedup
from summarizer.brief.group import MIXED_THRESHOLD, group_stories
from summarizer.brief.headline import cut_headline
from summarizer.brief.ingest import Limits, ingest
from summarizer.brief.plan import plan
from summarizer.brief.segment import segment
from summarizer.brief.standalone import editorial_problems
from summarizer.brief.types import (
    Article,
    Brief,
    BriefSentence,
    BriefWarning,
    Cleaned,
    PlannedGroup,
    Sentence,
)
from summarizer.brief.verify import warm_up as warm_up_checks
from summarizer.brief.write import compress, fuse, is_deletion, keeps_attribution, keeps_main_clause, keeps_phrases
from summarizer.errors import BriefCancelled, InputError
from summarizer.models.embed import Embedder
from summarizer.models.generate import Generation, Generator
from summarizer.runtime import Progress


@dataclass(frozen=True)
class BriefOptions:
    """A brief's options: the one definition of their defaults and ranges (the HTTP schema, the
    CLI's help and the cache key are derived from it)."""

    max_sentences: int = 5
    max_words: int = 150
    # a one-line headline over the brief, cut from an opening sentence and checked like them
    headline: bool = True

    RANGES: ClassVar[dict[str, tuple[int, int]]] = {"max_sentences": (1, 20), "max_words": (20, 600)}

    def validated(self) -> BriefOptions:
        for name, (low, high) in self.RANGES.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise InputError(
                    f"{name} must be a whole number from {low} to {high}, got {value!r}.", field=f"options.{name}"
                )
        if not isinstance(self.headline, bool):
            raise InputError(f"headline must be true or false, got {self.headline!r}.", field="options.headline")
        return self


@dataclass(frozen=True)
class Prepared:
    """The articles as the pipeline reads them, before any model: validated articles, their
    sentences, and what clean kept and set aside (with a warning per article left out)."""

    articles: tuple[Article, ...]
    sentences: tuple[Sentence, ...]
    cleaned: Cleaned


def prepare(
    raw_articles: Sequence[Mapping[str, Any]],
    limits: Limits = Limits(),
    stage: Callable[[str], AbstractContextManager[None]] = lambda _: nullcontext(),
    *,
    require_usable: bool = True,
    refuse: Callable[[InputError], None] | None = None,
) -> Prepared:
    """ingest → segment → clean, no model needed (``summarizer extract`` prints this; ``brief``
    starts from it, timing each ``stage``). Raises ``InputError`` for a bad request, and, with
    ``require_usable``, when no article is usable; with ``refuse``, a bad article is handed to it
    and left out (``ingest``)."""
    with stage("ingest"):
        articles = ingest(raw_articles, limits, refuse)
    with stage("segment"):
        sentences = segment(articles)
    with stage("clean"):
        cleaned = clean(articles, sentences, require_usable=require_usable)
    return Prepared(articles, sentences, cleaned)


# The headline is cut from the brief's first sentence only: it states the main news (plan.py). Cut from
# the second or third, on unseen stories it named a side fact ("The pair has one son", "Nasdaq officials
# scrambled to figure out what happened"); no headline is better than one that misleads.
HEADLINE_SOURCES = 1


class Summarizer:
    """Holds the loaded models and runs the stages. Build once, call ``brief`` many times."""

    def __init__(
        self, embedder: Embedder, generator: Generator, limits: Limits = Limits(), *, fuse_groups: bool = False
    ) -> None:
        """``fuse_groups``: when the best sentence cannot be compressed, let the model fuse the
        group's evidence before quoting. Off by default: labelled on 32 dev briefs, the 1.5B model's
        fused sentences were SUPPORTED 62% of the time, its checked deletions 84%, quotes 100%
        (docs/benchmarks.md#faithfulness); a false sentence is worse than a quoted one."""
        self.embedder = embedder
        self.generator = generator
        self.limits = limits
        self.fuse_groups = fuse_groups

    def warm_up(self) -> None:
        self.embedder.warm_up()
        self.generator.warm_up()
        warm_up_checks()

    def check(self, raw_articles: Sequence[Mapping[str, Any]], options: BriefOptions) -> None:
        """Raise ``InputError`` for input ``brief`` would refuse, without touching a model:
        callers check before queueing or loading (milliseconds, vs. seconds for a brief)."""
        options.validated()
        prepare(raw_articles, self.limits)

    def check_claims(self, raw_articles: Sequence[Mapping[str, Any]], claims: Sequence[str]) -> tuple[ClaimCheck, ...]:
        """``check.check_claims`` with this summarizer's embedder and limits."""
        return check_claims(raw_articles, claims, self.embedder, self.limits)

    def brief(
        self,
        raw_articles: Sequence[Mapping[str, Any]],
        options: BriefOptions = BriefOptions(),
        progress: Progress = lambda _: None,
        cancel: threading.Event | None = None,
        on_sentence: Callable[[int, BriefSentence], None] | None = None,
        on_plan: Callable[[int], None] | None = None,
    ) -> Brief:
        """The brief of ``raw_articles``. Setting ``cancel`` stops the work at the next sentence
        boundary with ``BriefCancelled`` (the HTTP layer does so on a deadline or a disconnect).
        ``on_sentence(number, sentence)`` is called as soon as each sentence of the final brief is
        written, cited and verified (streaming); the sentences it receives are exactly the brief's.
        ``on_plan(n)`` is told how many sentences were planned (a job's progress; the brief may end
        with fewer when the word budget runs out)."""
        options = options.validated()

        def check_cancelled() -> None:
            if cancel is not None and cancel.is_set():
                raise BriefCancelled("the brief was cancelled before it was finished.")

        timings: dict[str, float] = {}
        usage: dict[str, float] = {
            "llm_calls": 0,
            "prompt_tokens": 0,
            "completion_tokens": 0,
            "cached_tokens": 0,
            "prompt_ms": 0.0,
            "decode_ms": 0.0,
        }

        @contextmanager
        def stage(name: str) -> Iterator[None]:
            start = time.perf_counter()
            try:
                yield
            finally:
                timings[name] = timings.get(name, 0.0) + (time.perf_counter() - start) * 1000

        started = time.perf_counter()
        prepared = prepare(raw_articles, self.limits, stage)
        articles, sentences, cleaned = prepared.articles, prepared.sentences, prepared.cleaned
        kept = cleaned.kept
        progress(f"{len(articles)} article(s), {len(sentences)} sentences, {len(kept)} kept after cleaning")
        for warning in cleaned.warnings:
            progress(f"warning: {warning.message}")
        check_cancelled()
        with stage("embed"):
            vectors = self.embedder.embed([s.text for s in kept])
        with stage("group"):
            warnings = cleaned.warnings + _mixed_stories(articles, kept, self.embedder)
        for warning in warnings[len(cleaned.warnings) :]:
            progress(f"warning: {warning.message}")
        with stage("dedup"):
            groups = dedup(kept, vectors)
        with stage("plan"):
            chosen = plan(
                groups,
                vectors,
                max_sentences=options.max_sentences,
                max_words=options.max_words,
                published={a.id: a.published for a in articles},
                problems=editorial_problems,  # quote only sentences that stand alone (issue 12)
            )
        merged = sum(1 for g in groups if len(g.members) > 1)
        progress(f"{len(groups)} facts ({merged} told more than once); writing {len(chosen.items)} sentence(s)")
        if on_plan is not None:
            on_plan(len(chosen.items))

        out: list[BriefSentence] = []
        words = 0
        for number, item in enumerate(chosen.items, 1):
            check_cancelled()
            progress(f"sentence {number}/{len(chosen.items)}")
            sentence = self._write(item, kept, vectors, stage, usage)
            length = len(sentence.text.split())
            if out and words + length > options.max_words:
                break
            if any(s.text == sentence.text for s in out):
                continue
            out.append(sentence)
            words += length
            if len(out) == 1:
                timings["first_sentence"] = (time.perf_counter() - started) * 1000
            if on_sentence is not None:
                on_sentence(len(out), sentence)
        if not out:
            raise InputError(_nothing_to_say(kept), field="articles", code="nothing_to_say")
        headline = None
        if options.headline and out:
            check_cancelled()
            progress("headline")
            headline = self._headline(out, kept, vectors, stage)
        timings["total"] = (time.perf_counter() - started) * 1000
        return Brief(
            sentences=tuple(out),
            headline=headline,
            articles=articles,
            groups=groups,
            dropped=cleaned.dropped,
            warnings=warnings,
            model=self.generator.name,
            embedder=self.embedder.name,
            timings_ms=timings,
            usage=usage,
        )

    def _write(self, item: PlannedGroup, kept: Sequence[Sentence], vectors, stage, usage) -> BriefSentence:
        """The group's best sentence compressed by deletion, if the model manages a true deletion
        that keeps every attribution and hedge (``write.keeps_attribution``), its main verb and
        subject (``write.keeps_main_clause``), drops only whole phrases (``write.keeps_phrases``),
        still stands alone (``standalone.editorial_problems``) and passes the check; else (with ``fuse_groups``) the
        group's evidence fused into one sentence that stands alone and passes the check; else the
        best sentence quoted. Rejected attempts are kept in ``rejected``."""
        evidence = [kept[r] for r in item.evidence_rows]
        evidence_vectors = vectors[list(item.evidence_rows)]
        representative = kept[item.representative_row]
        rejected: list[str] = []
        for method in ("compressed", "fused") if self.fuse_groups else ("compressed",):
            with stage("fuse"):
                if method == "compressed":
                    generation = compress(representative.text, self.generator)
                else:
                    generation = fuse([s.text for s in evidence], self.generator)
            _count(generation, usage)
            if (
                not generation.text
                or (
                    method == "compressed"
                    and not (
                        is_deletion(generation.text, representative.text)
                        and keeps_attribution(generation.text, representative.text)
                        and keeps_main_clause(generation.text, representative.text)
                        and keeps_phrases(generation.text, representative.text)
                    )
                )
                # a cut that no longer stands alone: a quote that lost its speaker, a verbless fragment
                or editorial_problems(generation.text)
            ):
                rejected.append(generation.text)
                continue
            with stage("check"):
                vector = self.embedder.embed([generation.text])[0]
                checked = check_sentence(generation.text, vector, evidence, evidence_vectors)
            if checked.supported:
                return BriefSentence(
                    generation.text,
                    checked.citations,
                    method=method,
                    attempts=len(rejected) + 1,
                    rejected=tuple(rejected),
                )
            rejected.append(generation.text)
        with stage("cite"):
            citations = cite(representative.text, vectors[item.representative_row], evidence, evidence_vectors)
        return BriefSentence(
            representative.text, citations, method="quoted", attempts=len(rejected), rejected=tuple(rejected)
        )

    def _headline(
        self, sentences: Sequence[BriefSentence], kept: Sequence[Sentence], vectors, stage
    ) -> BriefSentence | None:
        """A headline cut (``headline.cut_headline``) from the first of the brief's opening
        sentences that gives one passing the check against the articles' sentences (as the
        public check does); else None."""
        rejected: list[str] = []
        for sentence in sentences[:HEADLINE_SOURCES]:
            with stage("headline"):
                text = cut_headline(sentence.text)
            if text is None:
                continue
            with stage("check"):
                checked = check_sentence(text, self.embedder.embed([text])[0], kept, vectors)
            if checked.supported:
                return BriefSentence(text, checked.citations, "compressed", len(rejected) + 1, tuple(rejected))
            rejected.append(text)
        return None


def _mixed_stories(
    articles: Sequence[Article], kept: Sequence[Sentence], embedder: Embedder
) -> tuple[BriefWarning, ...]:
    """A ``mixed_stories`` warning naming the groups when the articles clearly tell different
    stories (``group.MIXED_THRESHOLD``): the brief is still written, but the caller should group
    first (``summarizer stories``)."""
    used = [a for a in articles if any(s.article_id == a.id for s in kept)]
    if len(used) < 2:
        return ()
    grouping = group_stories(used, kept, embedder, min_size=1, threshold=MIXED_THRESHOLD)
    if len(grouping.stories) < 2:
        return ()
    named = "; ".join("[" + ", ".join(ids) + "]" for ids in grouping.stories)
    message = (
        f"these articles seem to tell {len(grouping.stories)} different stories ({named}); one brief of them "
        'stitches unrelated events together: group them first (a POST /v1/jobs with "group": true, summarizer '
        "stories, or one request per story)."
    )
    return (BriefWarning("mixed_stories", message),)


def _nothing_to_say(kept: Sequence[Sentence]) -> str:
    """Why no sentence could be written: the reasons the kept sentences cannot stand in a brief,
    most frequent first (an article of instructions aimed at a model is all imperatives)."""
    if not kept:
        return "nothing is left to say: every sentence of the articles was set aside (see summarizer extract)."
    reasons = Counter(problems[0] for sentence in kept if (problems := editorial_problems(sentence.text)))
    named = "; ".join(f"{problem}: {count}" for problem, count in reasons.most_common(3))
    return (
        f"nothing in these articles can be said in a brief: none of the {len(kept)} sentence(s) left after "
        f"cleaning stands alone as a news sentence ({named or 'none tells a fact shared with the others'}). "
        "Send articles that report the story."
    )


def _count(generation: Generation, usage: dict[str, float]) -> None:
    """Add one LLM call and what it cost to ``usage``."""
    for key in ("prompt_tokens", "completion_tokens", "cached_tokens", "prompt_ms", "decode_ms"):
        usage[key] += getattr(generation, key)
    usage["llm_calls"] += 1
