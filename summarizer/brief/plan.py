"""Stage 5, plan: what the brief says, and in what order.

1. **The main news first.** The story's main development is what most outlets put in their
   opening sentences: a concept (a stemmed content word or a number, ``text.terms``) is worth one
   for every article whose first ``OPENING`` kept sentences mention it. The brief opens with the
   opening sentence that states most of those concepts (the most complete lead, not merely the
   most central sentence), among the sentences that stand alone in a brief (``problems``).
2. **Coverage over repetition.** The rest is chosen by budgeted maximum coverage of concepts
   (the concept objective of Gillick & Favre 2009, solved by the cost-scaled greedy of Lin &
   Bilmes 2010): a concept is worth the number of articles that mention it, more for those that
   open with it, and counts once however many chosen sentences repeat it, so a fact told again
   adds nothing and a new fact told by many outlets adds most. Sentences are taken by their new
   concepts' worth per √word, earlier ones first on ties, until the word budget is used. One
   sentence per fact group (dedup), none too close to one chosen (cosine), none that cannot stand
   alone (``problems``), and none naming a person by surname alone whom the brief has not
   introduced by full name.
3. **Story order.** After the lead, the event and its details, then what people said about it
   (quotes and reactions), then background (what had happened before: a past perfect, "last
   year"); within each, the order the articles tell it in (earliest relative position, then
   publication time). A person's full name comes before their surname alone.

Each chosen sentence is its group's representative (quoted, or shortened by the writer); the
members of its group closest to it are its evidence.

Measured without the LLM (``bench/selection.py``: representatives quoted, cut at the length) at
100 words: ROUGE-2 F1 over the round-robin lead 1.16× on dev28 and 1.35× on MultiLing (the
previous plan, centrality × outlets × position with MMR: 1.00× and 1.30×); the first sentence
from an article's opening in every brief (79% and 33% before).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Mapping, Sequence

import numpy as np

from summarizer.brief.types import Group, Plan, PlannedGroup, Sentence
from summarizer.nlp.analyze import parse
from summarizer.nlp.lexicon import lexname
from summarizer.nlp.names import bare_surnames, full_names
from summarizer.nlp.text import terms

# An article's opening: its first three kept sentences (a headline-like line, the lead, the nut
# graf). On dev28 at 100 words ROUGE-2 F1 over lead was 1.08× with 2, 1.17× with 3, 1.12× with 5.
OPENING = 3
# A concept in an article's opening is worth this much more than one further down (0, 1, 3, 6 and
# 10 measured: 3 and 6 best at 100 words on both sets).
OPENING_BONUS = 3.0
# A concept of one article only: worth little, but it still fills a budget the shared ones leave.
SINGLE_WORTH = 0.1
# The cost-scaled greedy's exponent (gain / words^r): 0.5 beat 1.0 on dev28 at 100 words (1.17×
# vs 1.08× lead): a complete sentence is worth its length.
COST_EXPONENT = 0.5
# An earlier sentence's gain counts up to this much more (0 → 1: MultiLing 1.22× → 1.35× lead at
# 100 words, dev28 1.17× → 1.16×).
POSITION_WEIGHT = 3.0
# A lead of more words than this has its score scaled down: a run-on stating every concept is not
# the clearest lead.
LEAD_WORDS = 35
# A sentence whose embedding is this close to a chosen one repeats it: never chosen. Strict readers
# found repeats in briefs at 0.75 (a halt told twice, a death toll twice); at 0.65, dedup's paraphrase
# cut, ROUGE-2 F1 over lead rose too (dev28 1.10× → 1.11× at 100 words, 0.87× → 0.89× at 250).
REDUNDANT_COSINE = 0.65
# The writer's prompt carries at most this many members: those closest to the representative.
MAX_EVIDENCE = 4
# Words any sentence of a news story may use that say nothing about what happened (stems, as
# ``text.terms`` gives them; on the seeds "first", "time" and "since" made a background sentence
# outscore the lead).
_GENERIC = {
    "told", "tell", "added", "add", "report", "reported", "news", "statem", "year", "years", "people",
    "first", "time", "since", "two", "one", "new", "last", "made", "make", "well", "even", "still",
    "many", "much", "around", "across", "among", "within", "withou", "alread", "yet", "howeve",
    "though", "althou", "could", "like", "way", "day", "week", "month", "today", "yester", "monday",
    "tuesda", "wednes", "thursd", "friday", "saturd", "sunday", "accord", "get", "got", "take",
    "took", "come", "came", "went", "going", "thing", "things", "lot", "part", "place",
}  # fmt: skip
_REPORTING = {
    "say", "tell", "add", "state", "declare", "write", "tweet", "warn", "urge", "argue", "insist",
    "claim", "accord", "comment", "describe", "praise", "criticize", "criticise", "condemn", "call",
}  # fmt: skip
_BACKGROUND = re.compile(r"\b(?:last year|previously|in the past|years? ago|had long)\b", re.IGNORECASE)
EVENT, REACTION, BACKGROUND = 0, 1, 2
# What makes "the X" say which X: "the city's budget", "the Senate vote", "the tree in Rome", "the man
# who ...", "the new law" (a number does not: "the two countries" needs the sentence before).
_SAYS_WHICH = {"poss", "compound", "prep", "relcl", "acl", "amod", "appos"}
# Groups that are people already met, not institutions: "The pair has one son".
_COUPLES = {"pair", "couple", "duo", "trio", "twins", "family", "company"}


def plan(
    groups: Sequence[Group],
    embeddings: np.ndarray,
    *,
    max_sentences: int,
    max_words: int,
    published: Mapping[str, str | None] | None = None,
    problems: Callable[[str], tuple[str, ...]] | None = None,
    texts: Mapping[int, str] | None = None,
    corroborate: Collection[str] = (),
    disputed: Collection[int] = (),
) -> Plan:
    """Choose and order the brief's sentences within ``max_sentences`` and ``max_words``.

    ``groups`` partition the kept sentences (rows of ``embeddings``, unit vectors).
    ``problems(text)`` says why a sentence cannot stand alone in a brief (empty: it can); such a
    sentence is never chosen, though it stays evidence for its group. It is called lazily, best
    candidates first (a parse costs 2–5 ms; a cluster has hundreds of sentences). ``texts`` gives
    a row's text as the writer will state it (``resolve``: "He" → the person's full name), which is
    what is judged and counted; rows not in it are read as written. A sentence of an article in
    ``corroborate`` (one garbled in places, ``standalone.garbled_articles``) is chosen only when
    another article tells its fact too (its dedup group has a member of another article). Rows in
    ``disputed`` (a commitment another article reports as only received, ``verify.disputes``; a
    claim its own article takes back in the next sentence, ``standalone.retracted``) are never
    chosen."""
    if not groups:
        return Plan((), max_sentences, max_words)
    sentence_at = {r: s for g in groups for r, s in zip(g.rows, g.members, strict=True)}
    text_at = {r: (texts or {}).get(r, s.text) for r, s in sentence_at.items()}
    group_of = {r: g for g in groups for r in g.rows}
    rows = sorted(sentence_at)
    concepts = {r: _concepts(text_at[r]) for r in rows}
    length = {r: max(len(text_at[r].split()), 1) for r in rows}

    by_article: dict[str, list[int]] = {}
    for r in sorted(rows, key=lambda r: sentence_at[r].index):
        by_article.setdefault(sentence_at[r].article_id, []).append(r)
    openings = {a: article_rows[:OPENING] for a, article_rows in by_article.items()}
    mentioned = _articles_mentioning(by_article, concepts)
    opened_with = _articles_mentioning(openings, concepts)
    shared = 2 if len(by_article) > 1 else 1
    worth = {
        c: n + OPENING_BONUS * opened_with.get(c, 0) if n >= shared else SINGLE_WORTH for c, n in mentioned.items()
    }
    lead_worth = {c: n for c, n in opened_with.items() if n >= shared}

    standing: dict[int, bool] = {}
    # the surnames the story gives with a full name: one standing alone is a bare surname even where the
    # tagger sees no person in it
    named_in_full = {name: full for r in rows for name, full in full_names(text_at[r]).items()}
    surnames = frozenset(named_in_full)

    def introduces(text: str) -> frozenset[str]:
        """The surnames ``text`` gives with a first name or title: by the tagger, or as the story
        writes the full name elsewhere ("Idina Menzel and Taye Diggs" inside a quote)."""
        return _introduced(text) | {name for name, full in named_in_full.items() if full in text}

    def stands_alone(r: int) -> bool:
        if problems is None:
            return True
        if r not in standing:
            standing[r] = not problems(text_at[r])
        return standing[r]

    chosen: list[int] = []
    covered: set[str] = set()  # the chosen sentences' concepts
    introduced: set[str] = set()  # surnames the chosen sentences give with a first name or title
    words_used = 0

    def admissible(r: int, described: bool = True) -> bool:
        if chosen and words_used + length[r] > max_words:
            return False
        if any(group_of[r] is group_of[c] or float(embeddings[r] @ embeddings[c]) >= REDUNDANT_COSINE for c in chosen):
            return False
        if r in disputed or not stands_alone(r):
            return False
        if sentence_at[r].article_id in corroborate and not _told_elsewhere(group_of[r], sentence_at[r].article_id):
            return False
        if not bare_surnames(text_at[r], surnames) <= introduced | introduces(text_at[r]):
            return False
        return not described or not _unintroduced_subject(text_at[r], frozenset(covered))

    def take(r: int) -> None:
        nonlocal words_used
        chosen.append(r)
        covered.update(concepts[r])
        introduced.update(introduces(text_at[r]))
        words_used += length[r]

    def lead_score(r: int) -> float:
        return math.fsum(lead_worth.get(c, 0) for c in concepts[r]) * min(1.0, LEAD_WORDS / length[r])

    opening_rows = sorted(
        (r for article_rows in openings.values() for r in article_rows),
        key=lambda r: (-lead_score(r), sentence_at[r].position, r),
    )
    # a lead that reports and names what it is about: not a speaker's words ('"They're going to make a movie
    # about him," Kris Bryant said.' opened an unseen brief); failing that, one that names it; failing
    # that ("The council approved the budget." alone), any
    lead = next((r for r in opening_rows if admissible(r) and not _opens_with_a_quote(text_at[r])), None)
    if lead is None:
        lead = next((r for r in opening_rows if admissible(r)), None)
    if lead is None:
        lead = next((r for r in opening_rows if admissible(r, described=False)), None)
    if lead is not None:
        take(lead)
    while len(chosen) < max_sentences:
        gains = {r: _gain(concepts[r] - covered, worth, length[r], sentence_at[r].position) for r in rows}
        ranked = sorted((r for r in rows if gains[r] > 0), key=lambda r: (-gains[r], sentence_at[r].position, r))
        best = next((r for r in ranked if admissible(r)), None)
        if best is None:
            break
        take(best)

    ordered = _story_order(chosen, sentence_at, text_at, group_of, published or {}, list(by_article), surnames)
    items = []
    for r in ordered:
        group = group_of[r]
        closest = sorted((m for m in group.rows if m != r), key=lambda m: -float(embeddings[m] @ embeddings[r]))
        evidence = tuple(sorted([r, *closest[: MAX_EVIDENCE - 1]]))
        items.append(PlannedGroup(group, evidence, math.fsum(worth.get(c, 0) for c in concepts[r]), r))
    return Plan(tuple(items), max_sentences, max_words)


def _opens_with_a_quote(text: str) -> bool:
    """Whether ``text`` starts with a speaker's words ('"We will appeal," she said.')."""
    return text.lstrip()[:1] in ('"', "“", "'", "‘")


def _told_elsewhere(group: Group, article_id: str) -> bool:
    """Whether an article other than ``article_id`` tells the fact of ``group``."""
    return any(member.article_id != article_id for member in group.members)


def _concepts(text: str) -> frozenset[str]:
    """What a sentence says, as concepts: stemmed content words and numbers (``text.terms``)."""
    return frozenset(t for t in terms(text) if t.isdigit() or (len(t) > 2 and t not in _GENERIC))


def _articles_mentioning(
    rows_by_article: Mapping[str, Sequence[int]], concepts: Mapping[int, frozenset[str]]
) -> dict[str, int]:
    """How many articles mention each concept in the rows given for each."""
    counts: dict[str, int] = {}
    for article_rows in rows_by_article.values():
        for concept in frozenset().union(*(concepts[r] for r in article_rows)):
            counts[concept] = counts.get(concept, 0) + 1
    return counts


def _gain(new: frozenset[str], worth: Mapping[str, float], words: int, position: float) -> float:
    """The cost-scaled greedy's gain of a sentence: its new concepts' worth per words^r, earlier
    sentences a little more."""
    # fsum: exact whatever the set's order, which changes between processes (same input, same brief)
    return (1 + POSITION_WEIGHT * (1 - position)) * math.fsum(worth.get(c, 0) for c in new) / words**COST_EXPONENT


def _story_order(
    chosen: list[int],
    sentence_at: Mapping[int, Sentence],
    text_at: Mapping[int, str],
    group_of: Mapping[int, Group],
    published: Mapping[str, str | None],
    articles: list[str],
    surnames: frozenset[str] = frozenset(),
) -> list[int]:
    """The lead, then events, reactions and background, each as the articles tell it; then any
    sentence naming a person by surname moved after the sentence that gives the full name."""

    def key(r: int) -> tuple:
        first = min(group_of[r].members, key=lambda s: s.position)
        return (
            role(text_at[r]),
            first.position,
            published.get(first.article_id) or "",
            articles.index(first.article_id),
            first.index,
        )

    ordered = chosen[:1] + sorted(chosen[1:], key=key)
    for r in list(ordered):
        needed = bare_surnames(text_at[r], surnames) - _introduced(text_at[r])
        for name in sorted(needed):  # sorted: a set's order changes between processes
            at = ordered.index(r)
            introducer = next((c for c in ordered if name in _introduced(text_at[c])), None)
            if introducer is not None and ordered.index(introducer) > at and at > 0:
                ordered.remove(introducer)
                ordered.insert(at, introducer)
    return ordered


def role(text: str) -> int:
    """``EVENT`` (what happened and its details), ``REACTION`` (what someone said about it: a
    quote or a reporting verb with a speaker) or ``BACKGROUND`` (what had happened before: a main
    verb in the past perfect, "last year", "previously")."""
    doc = parse(text)
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None:
        return EVENT
    if _BACKGROUND.search(text) or any(c.lower_ == "had" and c.dep_ == "aux" for c in root.children):
        return BACKGROUND
    if '"' in text or "“" in text or root.lemma_.lower() in _REPORTING:
        return REACTION
    return EVENT


def _unintroduced_subject(text: str, known: frozenset[str]) -> bool:
    """Whether the sentence's subject is a bare definite description of something the brief has
    not named ("The pair has one son", "The volcano ...", "The singer ..." opening a brief): "the"
    (or "this"/"that") and a common noun with nothing of its own that says which one, whose stem
    no chosen sentence has. An institution ("the council", WordNet's noun.group) is no such thing."""
    doc = parse(text)
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None) if root is not None else None
    if subject is None or subject.pos_ != "NOUN":
        return False
    if lexname(subject.lemma_.lower(), "n") == "noun.group" and subject.lemma_.lower() not in _COUPLES:
        return False  # "the council", "the police", "the government": the institution the story is in
    determiners = [c for c in subject.children if c.dep_ == "det"]
    specific = [c for c in subject.children if c.dep_ in _SAYS_WHICH]
    return (
        bool(determiners)
        and determiners[0].lower_ in {"the", "this", "that", "these", "those"}
        and not specific
        and _concepts(subject.text).isdisjoint(known)
    )


def _introduced(text: str) -> frozenset[str]:
    """Surnames this sentence introduces with a first name or title (``names.full_names``)."""
    return frozenset(full_names(text))
