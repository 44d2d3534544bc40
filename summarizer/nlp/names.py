"""People's names in a sentence, from spaCy's PERSON entities: who is introduced by full name,
who is named by surname alone. The brief never names a person by surname alone unless it
has given the full name (plan), and a surname alone is resolved to the full name its article
gives (resolve)."""

from __future__ import annotations

import re

from summarizer.nlp.analyze import parse


def full_names(text: str) -> dict[str, str]:
    """The people ``text`` introduces, surname → full name as written: a person named by two or
    more words ("Rustem Umerov" introduces "umerov"), or by a title and a surname ("President
    Zelensky")."""
    out: dict[str, str] = {}
    for entity in parse(text).ents:
        if entity.label_ != "PERSON":
            continue
        before = entity.doc[entity.start - 1] if entity.start > 0 else None
        titled = before is not None and before.is_title and before.pos_ in {"PROPN", "NOUN"}
        if len(entity) > 1 or titled:
            name = entity.text if len(entity) > 1 else f"{before.text} {entity.text}"  # type: ignore[union-attr]
            out.setdefault(surname(entity[-1].text), without_possessive(name))
    return out


def bare_surnames(text: str, known: frozenset[str] = frozenset()) -> frozenset[str]:
    """People ``text`` names by one word only ("Umerov said ..."): a one-word PERSON, or a word
    that is one of the ``known`` surnames (those the story gives with a full name, ``full_names``)
    standing alone, which the tagger may not see as a person ("Mitalipov cancelled his holiday
    plans" on an unseen story)."""
    doc = parse(text)
    found = {surname(entity.text) for entity in doc.ents if entity.label_ == "PERSON" and len(entity) == 1}
    for token in doc:
        name = surname(token.text)
        # a name the tagger may read as a noun or an adjective ("Bryant might be right.", an unseen lead),
        # but not as a modifier ("Young people ...", beside a story's "Cassie Young"), a plural ("the
        # Sixers") or a function word ("Will the other candidates ...?")
        if (
            name not in known
            or not token.is_title
            or token.pos_ not in ("PROPN", "NOUN", "ADJ")
            or token.tag_ in ("NNS", "NNPS")
            or (token.pos_ != "PROPN" and token.dep_ in ("amod", "compound"))
        ):
            continue
        before = doc[token.i - 1] if token.i > 0 else None
        after = doc[token.i + 1] if token.i + 1 < len(doc) else None
        if any(
            other is not None and ((other.pos_ == "PROPN" and other.is_title) or other.text in ("-", "‐", "–"))
            for other in (before, after)
        ):
            continue  # a word of a longer name: "Shoukhrat Mitalipov", "Aamir Liaquat Hussain", "Haslet-Davis"
        if not (token.ent_type_ == "PERSON" and token.ent_iob_ == "I"):
            found.add(name)
    return frozenset(found)


def surname(word: str) -> str:
    """A surname as compared: lower case, without a possessive ("Umerov's" → "umerov")."""
    return without_possessive(word).lower()


def without_possessive(text: str) -> str:
    """``text`` without a final possessive ("Medinsky’s" → "Medinsky", "Hanks'" → "Hanks")."""
    return re.sub(r"['’]s?$", "", text)
