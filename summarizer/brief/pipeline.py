"""The only place that knows the order of the stages.

ingest → segment → clean (``prepare``, no model) → resolve (people named by pronoun or surname
given the full name their article gives) → embed → dedup (one group per fact) → plan (the lead,
then the most facts per word, in story order; only sentences that stand alone, and from an article
garbled in places only facts another article tells too) → write: each fact compressed
(``write.compress``: the model chooses which optional phrases to leave out, under a grammar, the
details other sentences give taken in first, ``detail.details``; with ``fuse_facts``, two adjacent
facts that share a name or number are first tried as one sentence, ``write.fuse``); every written
sentence must be exactly its sources' phrases with optional ones left out (``write.kept_phrases``),
read with the same main clause, stand alone, and pass the check, else the fact is stated whole
(resolved, or quoted) → headline (cut from the first sentence by deletion → check) → Brief; nothing
written is refused (``nothing_to_say``), never an empty brief. ``check`` is cite + verify
(check.py), the same for ``check_claims``.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

import numpy as np

from summarizer.brief.check import ClaimCheck, check_claims, check_sentence, disputing
from summarizer.brief.cite import cite
from summarizer.brief.clean import clean
from summarizer.brief.dedup import dedup
from summarizer.brief.detail import details
from summarizer.brief.group import MIXED_THRESHOLD, group_stories
from summarizer.brief.headline import cut_headlines, same_act
from summarizer.brief.ingest import Limits, ingest
from summarizer.brief.plan import plan
from summarizer.brief.resolve import resolve
from summarizer.brief.segment import segment
from summarizer.brief.standalone import captions, editorial_problems, garbled_articles, retracted
from summarizer.brief.types import (
    Article,
    Brief,
    BriefSentence,
    BriefWarning,
    Citation,
    Cleaned,
    Detail,
    Group,
    PlannedGroup,
    Resolution,
    Sentence,
)
from summarizer.brief.verify import warm_up as warm_up_checks
from summarizer.brief.write import CONNECTIVE, compress, fuse, keeps_main_clause, kept_phrases, phrases, tidy
from summarizer.errors import BriefCancelled, InputError
from summarizer.models.embed import Embedder
from summarizer.models.generate import Generation, Generator
from summarizer.nlp.names import full_names, without_possessive
from summarizer.nlp.text import anchors
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
    sentences, and what clean kept and set aside (with a warning per article left out).
    ``warnings``: ingest's and clean's, in that order (a link that failed, a text cut, an article
    set aside)."""

    articles: tuple[Article, ...]
    sentences: tuple[Sentence, ...]
    cleaned: Cleaned
    warnings: tuple[BriefWarning, ...] = ()


def prepare(
    raw_articles: Sequence[Mapping[str, Any]],
    limits: Limits = Limits(),
    stage: Callable[[str], AbstractContextManager[None]] = lambda _: nullcontext(),
    *,
    require_usable: bool = True,
    refuse: Callable[[InputError], None] | None = None,
    unavailable: Mapping[int, InputError] | None = None,
) -> Prepared:
    """ingest → segment → clean, no model needed (``summarizer extract`` prints this; ``brief``
    starts from it, timing each ``stage``). Raises ``InputError`` for a bad request, and, with
    ``require_usable``, when no article is usable; with ``refuse``, a bad article is handed to it
    and left out (``ingest``); ``unavailable`` articles (links that failed) are left out with a
    warning."""
    warned: list[BriefWarning] = []
    with stage("ingest"):
        articles = ingest(raw_articles, limits, refuse, unavailable=unavailable, warn=warned.append)
    with stage("segment"):
        sentences = segment(articles)
    with stage("clean"):
        cleaned = clean(articles, sentences, require_usable=require_usable)
    return Prepared(articles, sentences, cleaned, tuple(warned) + cleaned.warnings)


# The headline is cut from the brief's first sentence: it states the main news (plan.py). Cut from the
# second or third, on unseen stories it named a side fact ("The pair has one son", "Nasdaq officials
# scrambled to figure out what happened"). Cut from any other sentence of the lead fact's dedup group, strict
# readers found both such headlines unpublishable ("The FBI wants the public's help to find a man"; "Trump
# reached for his wife's hand" over a story of her refusing it), so another outlet's telling gives one only
# where the lead has none and the telling's main verb is the lead's (headline.same_act refuses both).
# No headline is better than one that misleads.
# A fused sentence is two facts in one: longer than this, it is a run-on an editor would split.
MAX_FUSED_WORDS = 40
# Two sentences longer than this together would need more cut than the grammar offers.
MAX_FUSED_SOURCE_WORDS = 60
# The other tellings of a fact read for details (detail.py): the fact's group rarely has more, and
# each costs a parse.
MAX_TELLINGS = 3
# Sentences of other facts read for details of the same act or name: this close (MiniLM cosine) and
# at most this many.
RELATED_COSINE = 0.5
MAX_RELATED = 5
# Two facts are one thread when they share a name or number and are this close (embedding cosine;
# plan keeps chosen sentences below 0.65, repeats). Looser (a shared name or number, or cosine 0.2)
# strict readers found 4 of 14 fusions publishable: a photo caption spliced to a quote, a soap
# character's boyfriend to a Facebook page, two police actions of different days under one "today".
FUSE_COSINE = 0.4


class Summarizer:
    """Holds the loaded models and runs the stages. Build once, call ``brief`` many times."""

    def __init__(
        self, embedder: Embedder, generator: Generator, limits: Limits = Limits(), *, fuse_facts: bool = False
    ) -> None:
        """``fuse_facts``: join two adjacent facts that share a name or number into one sentence
        (``write.fuse``). Off by default: strict readers found 18 fused sentences of the 1.5B model
        83% SUPPORTED and 28% publishable (two labelled rounds; docs/benchmarks.md, "Write, don't
        quote"): a fusion pastes two facts of different days or threads into one claim."""
        self.embedder = embedder
        self.generator = generator
        self.limits = limits
        self.fuse_facts = fuse_facts

    def warm_up(self) -> None:
        self.embedder.warm_up()
        self.generator.warm_up()
        warm_up_checks()

    def check(
        self,
        raw_articles: Sequence[Mapping[str, Any]],
        options: BriefOptions,
        unavailable: Mapping[int, InputError] | None = None,
    ) -> None:
        """Raise ``InputError`` for input ``brief`` would refuse, without touching a model:
        callers check before queueing or loading (milliseconds, vs. seconds for a brief)."""
        options.validated()
        prepare(raw_articles, self.limits, unavailable=unavailable)

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
        unavailable: Mapping[int, InputError] | None = None,
    ) -> Brief:
        """The brief of ``raw_articles``. Setting ``cancel`` stops the work at the next sentence
        boundary with ``BriefCancelled`` (the HTTP layer does so on a deadline or a disconnect).
        ``on_sentence(number, sentence)`` is called as soon as each sentence of the final brief is
        written, cited and verified (streaming); the sentences it receives are exactly the brief's.
        ``on_plan(n)`` is told how many sentences were planned (a job's progress; the brief may end
        with fewer when the word budget runs out). ``unavailable``: per position, why an article
        could not be obtained (a link that failed): left out with a warning (``ingest``)."""
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
        prepared = prepare(raw_articles, self.limits, stage, unavailable=unavailable)
        articles, sentences, cleaned = prepared.articles, prepared.sentences, prepared.cleaned
        kept = cleaned.kept
        progress(f"{len(articles)} article(s), {len(sentences)} sentences, {len(kept)} kept after cleaning")
        for warning in prepared.warnings:
            progress(f"warning: {warning.message}")
        check_cancelled()
        with stage("resolve"):
            resolutions = resolve(kept)
        with stage("embed"):
            vectors = self.embedder.embed([s.text for s in kept])
        with stage("group"):
            warnings = prepared.warnings + _mixed_stories(articles, kept, self.embedder)
        for warning in warnings[len(prepared.warnings) :]:
            progress(f"warning: {warning.message}")
        with stage("dedup"):
            groups = dedup(kept, vectors)
        with stage("plan"):
            texts = {row: resolution.text for row, resolution in resolutions.items()}
            disputed = _disputed(kept, vectors, texts)
            # a commitment another outlet reports as received, a claim its article takes back next
            # ("Both turned out to be fabricated."), a photo's caption left at an article's top:
            # never stated, nor a detail of another sentence
            never_stated = frozenset({*disputed, *retracted(kept), *captions(kept)})
            garbled = garbled_articles(kept)
            # a garbled article is used only where another tells the same, unless no other article can
            corroborate = frozenset(garbled) if {s.article_id for s in kept} - set(garbled) else frozenset()
            chosen = plan(
                groups,
                vectors,
                max_sentences=options.max_sentences,
                max_words=options.max_words,
                published={a.id: a.published for a in articles},
                problems=editorial_problems,  # quote only sentences that stand alone (issue 12)
                texts=texts,
                corroborate=corroborate,
                disputed=never_stated,
            )
        for article_id, count in garbled.items():
            warnings += (_garbled_warning(article_id, count, article_id in corroborate),)
            progress(f"warning: {warnings[-1].message}")
        for row, other in disputed.items():
            warnings += (_disagreement_warning(kept[row], kept[other]),)
            progress(f"warning: {warnings[-1].message}")
        merged = sum(1 for g in groups if len(g.members) > 1)
        progress(f"{len(groups)} facts ({merged} told more than once); writing {len(chosen.items)} sentence(s)")
        if on_plan is not None:
            on_plan(len(chosen.items))

        unreliable = frozenset(r for r, s in enumerate(kept) if s.article_id in garbled) | never_stated
        writer = _Writer(self, kept, vectors, resolutions, stage, usage, unreliable)
        writer.slack = options.max_words - sum(len(writer.stated(i.representative_row).split()) for i in chosen.items)
        out: list[BriefSentence] = []
        words = 0
        items = chosen.items
        at = 0
        while at < len(items):
            check_cancelled()
            progress(f"sentence {at + 1}/{len(items)}")
            sentence, tried = None, ""
            if self.fuse_facts and at + 1 < len(items) and writer.fusable(items[at], items[at + 1]):
                sentence, tried = writer.fused(items[at], items[at + 1])
            if sentence is not None:
                at += 2
            else:
                sentence = writer.single(items[at], [tried] if tried else [])
                at += 1
                if sentence is None:
                    continue
            length = len(sentence.text.split())
            if out and words + length > options.max_words:
                break
            if any(s.text == sentence.text for s in out):
                continue
            out.append(sentence)
            writer.wrote(sentence)
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
            headline = self._headline(out[0], writer.tellings(out[0], groups), kept, vectors, stage)
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

    def _headline(
        self,
        sentence: BriefSentence,
        tellings: Sequence[Sentence],
        kept: Sequence[Sentence],
        vectors: np.ndarray,
        stage: Callable[[str], AbstractContextManager[None]],
    ) -> BriefSentence | None:
        """The first headline cut from the brief's opening ``sentence`` (``headline.cut_headlines``,
        the cut closest in meaning to the sentence first), else from another outlet's telling of
        the same fact (``tellings``, closest first, that tell its act: ``headline.same_act``; where
        the lead has no faithful cut of 12 words, another outlet's lead often has), that passes the
        check against the articles' sentences (as the public check does); else None."""
        whole = self.embedder.embed([sentence.text])[0]
        rejected: list[str] = []
        sources = [(sentence.text, sentence.drawn_from)] + [
            (t.text, (t.key,)) for t in tellings if same_act(t.text, sentence.text)
        ]
        for source, drawn_from in sources:
            with stage("headline"):
                cuts = cut_headlines(source, lambda texts: self.embedder.embed(list(texts)) @ whole)
            for text in cuts:
                with stage("check"):
                    checked = check_sentence(text, self.embedder.embed([text])[0], kept, vectors)
                if checked.supported:
                    tried = (len(rejected) + 1, tuple(rejected))
                    return BriefSentence(text, checked.citations, "compressed", *tried, drawn_from)
                rejected.append(text)
        return None


class _Writer:
    """Writes planned facts as brief sentences (``Summarizer.brief``'s write stage): the model
    chooses under a grammar (write.py), and what it chose must pass the same checks whatever the
    backend. Rejected attempts are kept in each sentence's ``rejected``."""

    def __init__(
        self,
        summarizer: Summarizer,
        kept: Sequence[Sentence],
        vectors: np.ndarray,
        resolutions: Mapping[int, Resolution],
        stage: Callable[[str], AbstractContextManager[None]],
        usage: dict[str, float],
        unreliable: frozenset[int] = frozenset(),
    ) -> None:
        """``unreliable``: rows that give no detail to another sentence (a garbled article's, a
        disputed or retracted one)."""
        self.generator = summarizer.generator
        self.embedder = summarizer.embedder
        self.kept = kept
        self.vectors = vectors
        self.resolutions = resolutions
        self.stage = stage
        self.usage = usage
        # every sentence is read as resolved by the check (a source "He" is its person)
        self.readings = {kept[row].key: r.text for row, r in resolutions.items()}
        self.unreliable = unreliable
        # the words the brief's budget leaves once the planned sentences are stated (brief sets it)
        self.slack = 0
        self.rows = {sentence.key: row for row, sentence in enumerate(kept)}
        self.named: set[str] = set()  # full names the brief has given
        self.written: list[str] = []  # the brief's sentences so far

    def stated(self, row: int) -> str:
        """The sentence at ``row`` as the brief may state it whole: references resolved, by full
        name the first time the brief names the person and by surname after that, a thing by its
        article's description ("the hoax caller") unless the brief has described it already."""
        resolution = self.resolutions.get(row)
        if resolution is None:
            return self.kept[row].text
        text = resolution.text
        for words, by in resolution.replaced:
            if by in resolution.described:  # a thing described once is enough: "the hoax caller", "the caller"
                if any(by[4:].lower() in earlier.lower() for earlier in self.written):
                    text = text.replace(by, words, 1)
                continue
            name = without_possessive(by)  # "Anissa Weier's attorney": the name without its 's
            if name in self.named and len(name.split()) > 1:
                text = text.replace(name, name.split()[-1], 1)
        return text

    def wrote(self, sentence: BriefSentence) -> None:
        """Note the people ``sentence`` names in full and what it describes: later sentences name
        them by surname and say "the caller" for "the hoax caller"."""
        self.named.update(full_names(sentence.text).values())
        self.written.append(sentence.text)

    def fusable(self, first: PlannedGroup, second: PlannedGroup) -> bool:
        """Whether two adjacent facts may be told in one sentence: they share a name or number and are
        close in meaning (one story thread, not two facts side by side), neither is a quotation (a
        fused quote would put the speaker's words beside a claim of someone else), and together
        they are short enough to make one sentence once phrases are left out."""
        a, b = self.stated(first.representative_row), self.stated(second.representative_row)
        if any(mark in a + b for mark in ('"', "“", "”")) or len((a + " " + b).split()) > MAX_FUSED_SOURCE_WORDS:
            return False
        related = float(self.vectors[first.representative_row] @ self.vectors[second.representative_row])
        return bool(anchors(a) & anchors(b)) and related >= FUSE_COSINE

    def fused(self, first: PlannedGroup, second: PlannedGroup) -> tuple[BriefSentence | None, str]:
        """The two facts in one sentence (``write.fuse``), if it is each sentence's phrases with
        optional ones left out (``write.kept_phrases``), joined by ``CONNECTIVE``, each keeping its
        main verb and subject, stands alone, is at most ``MAX_FUSED_WORDS`` words and passes the
        check against both facts' evidence; else None. With it, what the model answered."""
        a, b = self.stated(first.representative_row), self.stated(second.representative_row)
        with self.stage("write"):
            generation = fuse(a, b, self.generator)
        _count(generation, self.usage)
        text = generation.text
        parts = _split_fused(text, a, b)
        if (
            parts is None
            # one join: a part that is itself two clauses makes a run-on ("X, and Y, and Z"; "X; Y, and Z")
            or text.count(CONNECTIVE) > 1
            or ";" in text
            or len(text.split()) > MAX_FUSED_WORDS
            or not all(keeps_main_clause(part, source) for part, source in zip(parts, (a, b), strict=True))
            or editorial_problems(text)
        ):
            return None, text
        rows = _unique([*first.evidence_rows, *second.evidence_rows])
        checked = self._check(text, rows, (first.representative_row, second.representative_row))
        if checked is None:
            return None, text
        drawn = [*self.drawn_from(first.representative_row), *self.drawn_from(second.representative_row)]
        return BriefSentence(text, checked, method="fused", drawn_from=tuple(_unique(drawn))), text

    def single(self, item: PlannedGroup, rejected: list[str]) -> BriefSentence | None:
        """The fact's sentence with the details other sentences give it taken in (``detail.details``,
        as many as the unused words allow; then without them) and phrases left out
        (``write.compress``, when it has any to leave out), if it is the sentence's phrases with
        optional ones left out (``write.kept_phrases``:
        attributions, hedges and the main clause are never optional), reads with the same main verb
        and subject, stands alone and passes the check; else the sentence whole, its people named
        in full (resolved, checked too); else quoted as written, unless as written it does not stand
        alone (then None: the fact is left out). ``rejected``: attempts that already failed (a
        fusion with the next fact)."""
        row = item.representative_row
        stated = self.stated(row)
        rejected = list(rejected)
        tellings, related = self.givers(item)
        describers = [s for r, s in enumerate(self.kept) if r != row and r not in self.unreliable]
        found = details(stated, [self.kept[r] for r in tellings], [self.kept[r] for r in related], describers)
        offered: list[Detail] = []
        room = self.slack  # a detail never costs the brief a fact: only the words the plan left unused
        for detail in found:
            if detail.role and any(detail.on in earlier for earlier in self.written):
                continue  # a role at the brief's first mention only
            if (length := len(detail.text.split())) <= room:
                offered.append(detail)
                room -= length
        own = any(piece.optional for piece in phrases(stated))
        # with another outlet's details first; if that fails, with the sentence's own cuts alone
        for extra in [offered, ()] if offered and own else [offered]:
            pieces = phrases(stated, extra)
            if any(piece.optional and not piece.link for piece in pieces):
                with self.stage("write"):
                    generation = compress(stated, self.generator, extra)
                _count(generation, self.usage)
                short = generation.text
            elif extra or any(piece.link for piece in pieces):  # no choice for the model to make
                with self.stage("write"):
                    short = tidy("".join(piece.text for piece in pieces if not piece.link))
            else:
                continue
            kept = kept_phrases(short, pieces)
            taken = _unique([p.source for p in pieces if p.source is not None]) if kept is not None else []
            if (
                kept is not None
                and (taken or not all(kept))  # a detail taken in or a phrase left out
                and keeps_main_clause(short, stated)  # read again, the same verb and subject: not garbled
                and not editorial_problems(short)
            ):
                citations = self._check(short, item.evidence_rows, (row,), [self.rows[key] for key in taken])
                if citations is not None:
                    self.slack -= len(short.split()) - len(stated.split())
                    method = "fused" if taken else "compressed"
                    drawn = tuple(_unique([*self.drawn_from(row), *taken]))
                    return BriefSentence(short, citations, method, len(rejected) + 1, tuple(rejected), drawn)
            if short and short != stated:  # the model left nothing out: not an attempt that failed
                rejected.append(short)
        if stated != self.kept[row].text:  # resolved, and not back to its words ("the caller" described before)
            citations = self._check(stated, item.evidence_rows, (row,))
            if citations is not None:
                return BriefSentence(
                    stated, citations, "resolved", len(rejected) + 1, tuple(rejected), self.drawn_from(row)
                )
            rejected.append(stated)
            if editorial_problems(self.kept[row].text):
                # plan chose it for the name resolve gave it; as written it leans on the sentence
                # before ('"…," he said.'): better no sentence than a quote the reader cannot place
                return None
        evidence = [self.kept[r] for r in item.evidence_rows]
        with self.stage("cite"):
            citations = cite(self.kept[row].text, self.vectors[row], evidence, self.vectors[list(item.evidence_rows)])
        return BriefSentence(
            self.kept[row].text, citations, "quoted", len(rejected), tuple(rejected), (self.kept[row].key,)
        )

    def givers(self, item: PlannedGroup) -> tuple[list[int], list[int]]:
        """The rows that may give the fact's sentence a detail (detail.py), closest first: its
        group's sentences of other articles (other tellings of the fact), and the closest sentences
        of other facts, of any article; none of an article read as garbled or a sentence disputed."""
        row = item.representative_row
        closeness = self.vectors @ self.vectors[row]
        usable = sorted(
            (r for r in range(len(self.kept)) if r != row and r not in self.unreliable), key=lambda r: -closeness[r]
        )
        group = set(item.group.rows)
        related = [r for r in usable if r not in group and closeness[r] >= RELATED_COSINE]
        return self._other_tellings(row, item.group)[:MAX_TELLINGS], related[:MAX_RELATED]

    def tellings(self, sentence: BriefSentence, groups: Sequence[Group]) -> list[Sentence]:
        """The other articles' sentences of the fact ``sentence`` states (the dedup group of the source
        it was written from), closest first, none unreliable."""
        row = self.rows[sentence.drawn_from[0]]
        return [self.kept[r] for r in self._other_tellings(row, next(g for g in groups if row in g.rows))]

    def _other_tellings(self, row: int, group: Group) -> list[int]:
        """The rows of ``group`` (``row``'s) in other articles than ``row``'s, closest first, none unreliable."""
        article = self.kept[row].article_id
        others = [r for r in group.rows if r not in self.unreliable and self.kept[r].article_id != article]
        return sorted(others, key=lambda r: (-float(self.vectors[r] @ self.vectors[row]), r))

    def drawn_from(self, row: int) -> tuple[tuple[str, int], ...]:
        """The sentence at ``row`` and, when the brief states it resolved, those that gave the names."""
        keys = [self.kept[row].key]
        if self.stated(row) != self.kept[row].text:
            keys += [self.kept[a].key for a in self.resolutions[row].antecedents]
        return tuple(keys)

    def _check(
        self, text: str, rows: Sequence[int], stated_rows: Sequence[int], gave: Sequence[int] = ()
    ) -> tuple[Citation, ...] | None:
        """``text``'s citations if it passes the check against the sentences at ``rows`` (read as
        resolved), with the sentences that gave the names of ``stated_rows``' resolved people and
        the ``gave`` rows (that gave it details) cited after them; None if it fails."""
        antecedents = [a for r in stated_rows if r in self.resolutions for a in self.resolutions[r].antecedents]
        antecedents = _unique([*antecedents, *gave])
        rows = _unique([*rows, *antecedents])
        with self.stage("check"):
            vector = self.embedder.embed([text])[0]
            checked = check_sentence(text, vector, [self.kept[r] for r in rows], self.vectors[rows], self.readings)
        if not checked.supported:
            return None
        citations = list(checked.citations)
        cited = {(c.article_id, c.sentence_index) for c in citations}
        for row in antecedents:  # where the name or the detail came from
            sentence = self.kept[row]
            if sentence.key not in cited:
                support = round(float(max(0.0, self.vectors[row] @ vector)), 3)
                citations.append(
                    Citation(sentence.article_id, sentence.index, sentence.start, sentence.end, sentence.text, support)
                )
                cited.add(sentence.key)
        return tuple(citations)


def _split_fused(text: str, first: str, second: str) -> tuple[str, str] | None:
    """``text`` as (``first``'s phrases, ``second``'s phrases, optional ones left out) around
    ``CONNECTIVE``, each read as a sentence of its own; None if it is not that."""
    join = CONNECTIVE.strip()
    first_pieces, second_pieces = phrases(first), phrases(second)
    at = text.find(join)
    while at >= 0:
        left, right = text[:at].rstrip(" ,") + ".", text[at + len(join) :].strip()
        right = right[:1].upper() + right[1:]
        if kept_phrases(left, first_pieces) is not None and kept_phrases(right, second_pieces) is not None:
            return left, right
        at = text.find(join, at + 1)
    return None


_T = TypeVar("_T")


def _unique(items: Sequence[_T]) -> list[_T]:
    return list(dict.fromkeys(items))


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


def _disputed(kept: Sequence[Sentence], vectors: np.ndarray, texts: Mapping[int, str]) -> dict[int, int]:
    """The rows whose claim of a commitment another article reports as only received
    (``check.disputing``, passing over the row's own article), each with the row of the first
    sentence that does; ``texts``: rows as resolved."""
    out: dict[int, int] = {}
    for row, sentence in enumerate(kept):
        text = texts.get(row, sentence.text)
        found = disputing(text, vectors[row], kept, vectors, lambda other, a=sentence.article_id: other.article_id == a)
        if found:
            out[row] = found[0][0]
    return out


def _disagreement_warning(claim: Sentence, other: Sentence) -> BriefWarning:
    """A ``sources_disagree`` warning: ``claim`` states a commitment ``other`` reports as only
    received; the brief does not state ``claim``."""
    message = (
        f"the articles disagree: article {claim.article_id!r}, sentence {claim.index + 1}, says “{claim.text}”, but "
        f"article {other.article_id!r}, sentence {other.index + 1}, says only “{other.text}”; the brief does not "
        "state the first."
    )
    return BriefWarning("sources_disagree", message, claim.article_id)


def _garbled_warning(article_id: str, sentences: int, corroborated: bool) -> BriefWarning:
    """An ``article_garbled`` warning: the article's English is garbled in places; with
    ``corroborated``, the brief took from it only what another article also says."""
    message = (
        f"article {article_id!r} reads as garbled in {sentences} sentences (words run together or quotation "
        "marks misplaced: a machine translation or a broken page); "
        + (
            "the brief takes from it only what another article also says."
            if corroborated
            else "no article that reads cleanly could confirm what it says: read the brief with care."
        )
    )
    return BriefWarning("article_garbled", message, article_id)


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
