"""Stage 4, resolve: the people a sentence names by pronoun or surname, given their full name.

A sentence lifted from an article leans on the ones before it: "He also accepted ...",
"Medinsky said ...". Read alone in a brief, the reader does not know who. Each kept sentence is
read in its article's order, and (1) a person named by surname alone whom an earlier sentence of
the same article introduced by full name ("Vladimir Medinsky") gets that full name at their first
mention, and (2) right after a kept sentence of the same article that names exactly one person,
that person's full name replaces a sentence's opening "He"/"She" subject, its opening "His"/"Her"
("Her attorney" → "Anissa Weier's attorney"), and the "he"/"she" who says a quote in a sentence
naming nobody itself that says the quotation it closes ('"We don't know," she said.'). The words put
in are the article's own, and the sentence that gave them is cited beside the one that states
the fact (pipeline.py). Rule-based and deliberately narrow (the "most recent compatible
antecedent" heuristic of Hobbs 1978 and Lappin & Leass 1994, restricted to subject pronouns one
sentence away, where it is most reliable): a reference it cannot resolve is left as it is, and
``plan`` then does not choose that sentence unless the brief introduces the person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from summarizer.brief.types import Resolution, Sentence
from summarizer.nlp.analyze import parse
from summarizer.nlp.names import full_names, surname, without_possessive

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_SUBJECT_PRONOUNS = {"he", "she"}
_POSSESSIVES = {"his", "her"}
# verbs that attribute a quote or a statement to their subject ("…," he said.)
_CLOSING_QUOTES = {'"', "”", "'", "’", "''"}
_REPORTING = {"say", "add", "tell", "explain", "write", "note", "continue", "insist", "recall", "ask", "state"}


def resolve(kept: Sequence[Sentence]) -> dict[int, Resolution]:
    """The kept sentences (by row) whose references to people can be made explicit from their
    own article, and how; rows with nothing to resolve are absent."""
    by_article: dict[str, list[int]] = {}
    for row, sentence in enumerate(kept):
        by_article.setdefault(sentence.article_id, []).append(row)
    out: dict[int, Resolution] = {}
    for rows in by_article.values():
        rows.sort(key=lambda r: kept[r].index)
        known: dict[str, tuple[str, int]] = {}  # surname → (full name, row that gave it)
        previous: tuple[int, Sentence] | None = None  # the row before, its sentence as resolved ("He" named)
        for row in rows:
            sentence = kept[row]
            resolution = _resolve_one(row, sentence, known, previous)
            if resolution is not None:
                out[row] = resolution
            for key, name in full_names(sentence.text).items():
                known.setdefault(key, (name, row))
            previous = (row, sentence if resolution is None else replace(sentence, text=resolution.text))
    return out


def _resolve_one(
    row: int, sentence: Sentence, known: dict[str, tuple[str, int]], previous: tuple[int, Sentence] | None
) -> Resolution | None:
    doc = parse(sentence.text)
    own = full_names(sentence.text)
    edits: list[tuple[int, int, str, int]] = []  # (start char, end char, full name, antecedent row)
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
    if len(people) == 1 and before_row is not None:
        name = people[0]
        source = known.get(surname(name.split()[-1]), (name, before_row))[1]
        for token in _referring(doc):
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
    return Resolution(row, text, tuple(reversed(replaced)), antecedents)


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
