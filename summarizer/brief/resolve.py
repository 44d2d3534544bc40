"""Stage 4, resolve: the people and things a sentence names without saying who or which.

A sentence lifted from an article leans on the ones before it: "He also accepted ...",
"Medinsky said ...", "The caller made 28 false distress alerts". Read alone in a brief, the
reader does not know who or which. Each kept sentence is read in its article's order, and
(1) a person named by surname alone whom an earlier sentence of the same article introduced by
full name ("Vladimir Medinsky") gets that full name at their first mention; (2) right after a
kept sentence of the same article that names exactly one person (and calls no one else "he" or
"she": then the next "He" goes on about them), that person's full name replaces a sentence's
opening "He"/"She" subject, its opening "His"/"Her" ("Her attorney" →
"Anissa Weier's attorney"), and the "he"/"she" who says a quote in a sentence naming nobody
itself that says the quotation it closes ('"We don't know," she said.'); (3) a thing named by
"the" alone ("the caller") gets the words before the noun that an earlier sentence of the same
article described it with ("A hoax caller" → "the hoax caller"), when that description is the
only one the article gives of it (``_descriptions``). The words put in are the article's own,
never inside a quotation, and the sentence that gave them is cited beside the one that states
the fact (pipeline.py). Rule-based and deliberately narrow: for people, the "most recent
compatible antecedent" heuristic of Hobbs 1978 and Lappin & Leass 1994, restricted to subject
pronouns one sentence away, where it is most reliable; for things, the rewrite of a later
mention into the fuller first one that summaries need (Nenkova & McKeown 2003, "References to
named entities: a corpus study"; Siddharthan, Nenkova & McKeown 2004). A reference it cannot
resolve is left as it is, and ``plan`` then does not choose that sentence unless the brief
introduces the person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from summarizer.brief.standalone import editorial_problems
from summarizer.brief.types import Resolution, Sentence
from summarizer.nlp.analyze import in_quotation, parse
from summarizer.nlp.names import full_names, surname, without_possessive

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_SUBJECT_PRONOUNS = {"he", "she"}
_POSSESSIVES = {"his", "her"}
# verbs that attribute a quote or a statement to their subject ("…," he said.)
_CLOSING_QUOTES = {'"', "”", "'", "’", "''"}
_REPORTING = {"say", "add", "tell", "explain", "write", "note", "continue", "insist", "recall", "ask", "state"}


def resolve(kept: Sequence[Sentence]) -> dict[int, Resolution]:
    """The kept sentences (by row) whose references to people and things can be made explicit
    from their own article, and how; rows with nothing to resolve are absent."""
    by_article: dict[str, list[int]] = {}
    for row, sentence in enumerate(kept):
        by_article.setdefault(sentence.article_id, []).append(row)
    out: dict[int, Resolution] = {}
    for rows in by_article.values():
        rows.sort(key=lambda r: kept[r].index)
        known: dict[str, tuple[str, int]] = {}  # surname → (full name, row that gave it)
        described: dict[tuple[str, str], tuple[str, int] | None] = {}  # (lemma, tag) → (description, row)
        previous: tuple[int, Sentence] | None = None  # the row before, its sentence as resolved ("He" named)
        for row in rows:
            sentence = kept[row]
            resolution = _resolve_one(row, sentence, known, previous, described)
            if resolution is not None:
                out[row] = resolution
            for key, name in full_names(sentence.text).items():
                known.setdefault(key, (name, row))
            for key, description in _descriptions(sentence.text).items():
                if key not in described:
                    described[key] = None if description is None else (description, row)
                elif (earlier := described[key]) is not None and (
                    description is None or earlier[0].lower() != description.lower()
                ):
                    described[key] = None  # "a proposed state", "the state of California": which one?
            previous = (row, sentence if resolution is None else replace(sentence, text=resolution.text))
    return out


def _resolve_one(
    row: int,
    sentence: Sentence,
    known: dict[str, tuple[str, int]],
    previous: tuple[int, Sentence] | None,
    described: dict[tuple[str, str], tuple[str, int] | None],
) -> Resolution | None:
    doc = parse(sentence.text)
    own = full_names(sentence.text)
    edits: list[tuple[int, int, str, int]] = []  # (start char, end char, full name, antecedent row)
    said = {t.lower_ for t in doc if not t.is_punct}
    descriptions: set[str] = set()
    for noun in _bare_definites(doc):
        found = described.get((noun.lemma_.lower(), noun.tag_))
        # not when the sentence says it already: "a demonstration in London to protest the [London] pub"
        if found is not None and not said & {w.lower() for w in found[0].split()[:-1]}:
            article = doc[noun.i - 1]
            by = ("The " if article.text == "The" else "the ") + found[0]
            edits.append((article.idx, noun.idx + len(noun.text), by, found[1]))
            descriptions.add(by)
    done: set[str] = set()
    for entity in doc.ents:
        if entity.label_ != "PERSON" or len(entity) != 1:
            continue
        key = surname(entity.text)
        if key in own or key in done or key not in known:  # a one-word PERSON: a bare surname
            continue
        before = doc[entity.start - 1] if entity.start > 0 else None
        if before is not None and before.is_title and before.pos_ in {"PROPN", "NOUN"}:
            continue  # "President Zelensky" is an introduction already
        name, source = known[key]
        word = entity[0]
        written = without_possessive(word.text)  # "Medinsky’s" as one token keeps its "’s"
        edits.append((word.idx, word.idx + len(written), name, source))
        done.add(key)
    before_row, before = previous if previous is not None else (None, None)
    people = _people(before.text, known) if before is not None and before.index == sentence.index - 1 else []
    referring = _referring(doc) if len(people) == 1 and before_row is not None else []
    # the whole standalone reading of the sentence before, only where it would give a name
    if referring and before is not None and not _refers_to_someone_unnamed(before.text):
        name = people[0]
        source = known.get(surname(name.split()[-1]), (name, before_row))[1]
        for token in referring:
            by = name + ("'" if name.endswith("s") else "'s") if token.lower_ in _POSSESSIVES else name
            edits.append((token.idx, token.idx + len(token.text), by, source))
    if not edits:
        return None
    text = sentence.text
    replaced = []
    for start, end, name, _ in sorted(edits, reverse=True):
        replaced.append((text[start:end], name))
        text = text[:start] + name + text[end:]
    antecedents = tuple(sorted({source for *_, source in edits} - {row}))
    return Resolution(row, text, tuple(reversed(replaced)), antecedents, frozenset(descriptions))


# Modifiers that do not say which one but compare it or count it: "the [first] such incident", "the
# [other] suspect", "the [biggest] exchange", "the [competing] technology" described another thing
# than a later "the exchange" or "the technology" (dev and unseen stories).
_NOT_IDENTIFYING = {"such", "other", "same", "next", "last", "previous", "similar", "many", "several", "few",
                    "more", "most", "new", "former", "latest", "recent", "own", "only", "whole", "entire",
                    "competing", "rival", "alternative", "opposing", "different", "separate"}  # fmt: skip
# A noun compared with ("like a normal human couple", "as a caller") describes something else.
_COMPARING = {"like", "unlike", "as", "than"}


def _descriptions(text: str) -> dict[tuple[str, str], str | None]:
    """The things ``text`` mentions, (lemma, tag) → how it describes which one: "A hoax caller"
    gives ("caller", "NN") → "hoax caller", only adjectives and nouns before the noun ("the U.S.
    Census survey"), without its article; None for a mention that says which one otherwise (a
    number, a possessive, an ordinal or superlative, ``_NOT_IDENTIFYING``, a person's name: the
    brief would name them by surname alone, or only a phrase after it: "the state of
    California"), and then "the state" may be either. A bare "the state" says nothing and is
    left out, and so is anything inside a quotation."""
    doc = parse(text)
    out: dict[tuple[str, str], str | None] = {}
    for noun in doc:
        if noun.pos_ != "NOUN" or in_quotation(doc, noun.i) or (noun.dep_ == "pobj" and noun.head.lower_ in _COMPARING):
            continue
        key = (noun.lemma_.lower(), noun.tag_)
        lefts = list(noun.lefts)
        modifiers = [c for c in lefts if c.dep_ in ("amod", "compound")]
        after = any(c.dep_ in ("prep", "relcl", "acl", "appos") for c in noun.rights)
        if not modifiers and all(c.dep_ == "det" and c.lower_ in ("a", "an", "the") for c in lefts) and not after:
            continue  # "the state": no description
        words = [t for c in modifiers for t in c.subtree]
        if (
            not modifiers
            or any(c.dep_ not in ("amod", "compound", "det", "punct") for c in lefts)
            or any(c.dep_ == "det" and c.lower_ not in ("a", "an", "the") for c in lefts)
            or any(t.tag_ in ("JJS", "JJR", "CD", "PRP$") or t.like_num or t.pos_ == "PRON"
                   or t.ent_type_ in ("ORDINAL", "CARDINAL", "PERSON") or t.lower_ in _NOT_IDENTIFYING for t in words)
            or len(words) > 4
        ):  # fmt: skip
            out.setdefault(key, None)
            continue
        start = min(t.i for t in words)
        described = doc[start : noun.i + 1].text
        if start == 0 and doc[0].pos_ != "PROPN":
            described = described[:1].lower() + described[1:]  # "Promised funds ..." opened its sentence
        out.setdefault(key, described)
    return out


# Phrases in which "the" points at nothing in the article: "$4 billion of revenue [on the line]" is
# no cruise line (an unseen Multi-News story, the first version read it as "the Norwegian Cruise Line").
_IDIOMS = {("on", "line"), ("in", "end"), ("at", "time"), ("on", "way"), ("in", "meantime"), ("at", "moment"),
           ("on", "ground"), ("in", "air"), ("on", "table"), ("at", "end"), ("in", "face"), ("on", "rise"),
           ("in", "dark"), ("in", "long run"), ("on", "record"), ("in", "wake"), ("on", "spot")}  # fmt: skip


def _bare_definites(doc: Doc) -> list[Token]:
    """Nouns of ``doc`` named by "the" and nothing else ("The caller made 28 false alerts"): read
    out of their article, the reader does not know which one. A noun said which by a phrase
    after it ("the state of Jefferson", "the apartment they shared"), inside a quotation (the
    speaker's own words) or in an idiom ("on the line", ``_IDIOMS``) is not one."""
    return [
        noun
        for noun in doc
        if noun.pos_ == "NOUN"
        and noun.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj")
        and [c.lower_ for c in noun.lefts] == ["the"]
        and noun.i > 0
        and noun.doc[noun.i - 1].lower_ == "the"
        and not any(c.dep_ in ("prep", "relcl", "acl", "appos") for c in noun.rights)
        and not in_quotation(doc, noun.i)
        and not (noun.dep_ == "pobj" and (noun.head.lower_, noun.lower_) in _IDIOMS)
    ]


def _referring(doc: Doc) -> list[Token]:
    """The pronouns of ``doc`` that refer to the one person of the sentence before: an opening
    "He"/"She" subject or "His"/"Her", and, in a sentence naming nobody, the "he"/"she" who says
    the quotation it closes ('…," she said')."""
    first = doc[0] if len(doc) else None
    if first is not None and (
        (first.lower_ in _SUBJECT_PRONOUNS and first.dep_ in ("nsubj", "nsubjpass"))
        or (first.lower_ in _POSSESSIVES and first.dep_ == "poss")
    ):
        return [first]
    if any(entity.label_ == "PERSON" for entity in doc.ents):
        return []  # "she" might be the other person named
    # Only the speaker right after a closing quotation mark ('…," she said'): elsewhere the pronoun
    # may be another person the sentence speaks of ("When asked for the congressman's opinion, she said").
    speakers = [
        t
        for t in doc
        if t.lower_ in _SUBJECT_PRONOUNS
        and t.dep_ == "nsubj"
        and t.head.lemma_ in _REPORTING
        and t.i > 0
        and doc[t.i - 1].text in _CLOSING_QUOTES
    ]
    return speakers[:1]


def _refers_to_someone_unnamed(text: str) -> bool:
    """Whether ``text`` calls someone "he" or "she" it does not name (standalone's reading): the next
    sentence's "He" then most likely goes on about them, not about a person the sentence names
    ("In Game 2, he drilled one RBI single off … reliever Bryan Shaw …" | "He has seen 40 pitches …":
    an unseen story, where "He" is the batter, was resolved to the reliever)."""
    return any(
        problem.startswith(("pronoun 'he'", "pronoun 'she'", "pronoun 'his'", "pronoun 'her'", "pronoun 'him'"))
        for problem in editorial_problems(text)
    )


def _people(text: str, known: dict[str, tuple[str, int]]) -> list[str]:
    """The distinct people ``text`` names, by full name where one is known."""
    names: dict[str, str] = {}
    introduced = full_names(text)
    for entity in parse(text).ents:
        if entity.label_ != "PERSON":
            continue
        key = surname(entity[-1].text)
        full = introduced.get(key) or (known[key][0] if key in known else None)
        if full is None:
            return []  # a person the article never named in full: no name to give
        names.setdefault(key, full)
    return list(names.values())
