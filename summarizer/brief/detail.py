"""Details other sentences give of a fact: phrases a brief sentence takes in (write stage).

Sentence enhancement by copying dependents across sentences (Cheung & Penn 2014, "Unsupervised
sentence enhancement for automatic summarization"; the "fusion by copying" of issue 21): another
article's telling of the same fact (a member of its dedup group: "… will swap 1,000 prisoners of war
(PoWs) each …") is aligned word by word with the brief's sentence ("… an exchange of 1000
prisoners."), and a phrase it hangs on an aligned word that the sentence lacks ("of war", "each")
goes in after that word. Close sentences of other facts may give a phrase on the same act or name,
any sentence a role for a person named in full. The pipeline tries the sentence with its details
as required pieces of the write grammar, then without them; the claim check reads the result
against every sentence that gave a detail, and each is cited (``fused``).

Only phrases that cannot change who did what are offered: a prepositional phrase, a distributive
"each" or a role, hung on the same noun (in the same number) or verb (with the same subject or
object, negated alike), without a verb, a pronoun, a quotation or a time; never a modifier before
a word ("the Moscow negotiator" would make "Russian and Ukrainian negotiators" Moscow's), never a
second phrase with the same preposition ("in Ankara in Istanbul"). Each rule is a failure seen on
the dev and unseen stories (tests/brief/test_detail.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from spacy.tokens import Doc, Span, Token

from summarizer.brief.types import Detail, Sentence
from summarizer.nlp.analyze import in_quotation, parse
from summarizer.nlp.lexicon import names_a_person
from summarizer.nlp.text import DEMONSTRATIVES

# A detail is a phrase, not a fact of its own: longer ones were clauses in disguise on the dev
# stories ("on board three Underground trains and a bus" is 7 words; 8 leaves room).
MAX_DETAIL_WORDS = 8
# The brief sentence with its details taken in stays one sentence a reader takes in at once.
MAX_SENTENCE_WORDS = 45
# Distributive words an appositive may be alone ("1,000 prisoners each"): a pronoun otherwise.
_DISTRIBUTIVE = {"each", "apiece"}
_TIME_UNITS = {"second", "minute", "hour", "day", "week", "month", "year", "decade", "night", "morning", "evening"}
_QUOTE_MARKS = {'"', "“", "”", "'", "‘", "’"}
# A time said from the other article's own day: wrong or vague in a brief (write._DEICTIC's reason).
_RELATIVE_TIME = re.compile(
    r"\b(?:today|tonight|yesterday|tomorrow|this|last|next|ago|earlier|later|recently|now|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    re.I,
)


def details(
    sentence: str,
    tellings: Sequence[Sentence],
    related: Sequence[Sentence] = (),
    describers: Sequence[Sentence] = (),
) -> tuple[Detail, ...]:
    """The phrases other sentences hang on a word of ``sentence`` that ``sentence`` lacks: any that
    ``tellings`` (other articles' sentences of the same fact, closest first) give; from ``related``
    (close sentences of other facts) only one hung on the same act (a verb with a subject or object
    the same noun) or the same name; from ``describers`` (any other sentence) only the role of a
    person or organisation ``sentence`` names in full. Each once, from one sentence per word of
    ``sentence``, in sentence order. A ``Detail``'s ``at`` is where in ``sentence`` it goes."""
    doc = parse(sentence)
    # its words as written and as lemmas: "[from the beach]" says again "from Florida beaches"
    have = {w for t in doc if not t.is_punct for w in (t.lower_, t.lemma_.lower())}
    names = {t.text for t in doc if t.ent_type_ in _DESCRIBED}
    taken: dict[int, list[Detail]] = {}
    offered: set[str] = set()
    words = len(sentence.split())
    seen: set[tuple[str, int]] = set()
    givers: list[tuple[Sentence, str]] = []
    for kind, sentences in (("telling", tellings), ("related", related), ("describer", describers)):
        for other in sentences:
            if other.key not in seen and (kind != "describer" or any(name in other.text for name in names)):
                seen.add(other.key)
                givers.append((other, kind))
    for giver, kind in givers:
        other = parse(giver.text)
        for token in other:
            word = _aligned(token, doc)
            if word is None or in_quotation(other, token.i) or in_quotation(doc, word.i):
                continue
            if word.i in taken and taken[word.i][0].source != giver.key:
                continue  # one telling's details per word: two outlets' may not agree
            if kind == "related" and not (word.pos_ == "PROPN" or _same_occasion(token, word, have)):
                continue  # another fact's "state [of Jefferson]" was not the sentence's state
            found = _title(token, other, word, doc, have)
            title, start = found if found is not None else ("", 0)  # start: where the name begins
            if title and title.lower() not in offered and words + len(title.split()) <= MAX_SENTENCE_WORDS:
                offered.add(title.lower())
                words += len(title.split())
                if start == 0:
                    text, at = title[0].upper() + title[1:] + " ", 0
                else:
                    text, at = " " + title, doc[start - 1].idx + len(doc[start - 1].text)
                taken.setdefault(word.i, []).append(Detail(text, at, giver.key, word.text, True))
            for child in token.rights:
                text = _phrase(child, other, word, have)
                if text is None or text.lower() in offered or words + len(text.split()) > MAX_SENTENCE_WORDS:
                    continue
                role = child.dep_ == "appos" and text.lower() not in _DISTRIBUTIVE
                if role and any(d.role for d in taken.get(word.i, ())):
                    continue  # one role a name: "meteorologist Justin Schultz, a forecaster," says it twice
                if (kind == "describer" and not role) or (kind == "related" and text.lower() in _DISTRIBUTIVE):
                    continue
                at = _insertion_point(word, doc, role=role)
                if at is None:
                    continue
                offered.add(text.lower())
                words += len(text.split())
                text = " " + text
                if role:  # set off by commas: "Anthony Aiello, the stepfather of the victim, said …"
                    text = "," + text + ("" if sentence[at:].lstrip()[:1] in (".", ",", ";", ":", "!", "?") else ",")
                taken.setdefault(word.i, []).append(Detail(text, at, giver.key, word.text, role))
    return tuple(detail for word in sorted(taken) for detail in taken[word])


def _aligned(token: Token, doc: Doc) -> Token | None:
    """The one word of ``doc`` that is ``token``: a noun or verb of the same lemma."""
    # not a number: "$50 million [in salary]" was another sum than the sentence's "$50 million"
    # nor a word inside a compound ("the biggest [prisoner] of war swap"): its phrases are the compound's
    if token.pos_ in ("NOUN", "PROPN", "VERB") and not token.like_num and token.dep_ != "compound":
        # a noun in the same number: "the [prisoner] of war swap" is no telling of "1000 prisoners"
        matches = [
            t
            for t in doc
            if t.pos_ == token.pos_
            and t.lemma_.lower() == token.lemma_.lower()
            and (token.pos_ == "VERB" or t.tag_ == token.tag_)
        ]
    else:
        return None
    if len(matches) != 1 or (token.pos_ == "VERB" and not _same_arguments(token, matches[0])):
        return None
    return matches[0]


_ARGUMENTS = ("nsubj", "nsubjpass", "dobj")


def _same_occasion(verb: Token, other: Token, have: set[str]) -> bool:
    """Whether ``verb`` of another fact's sentence tells the act ``other`` does: a subject or object
    the same noun ("52 people were killed"), and no time of its own the sentence does not give ("In
    Game 1, Schwarber hit …" is not the sentence's Game 2)."""
    if verb.pos_ != "VERB" or not _nouns_of(verb) & _nouns_of(other):
        return False
    times = [t for c in verb.children if c.dep_ in ("prep", "npadvmod") for t in c.subtree if t.ent_type_ in _WHEN]
    return all(t.lower_ in have for t in times)


_WHEN = {"DATE", "TIME", "EVENT"}


def _nouns_of(verb: Token) -> set[str]:
    return {c.lemma_.lower() for c in verb.children if c.dep_ in _ARGUMENTS and c.pos_ in ("NOUN", "PROPN")}


def _same_arguments(verb: Token, other: Token) -> bool:
    """Whether two verbs of one lemma tell the same act: negated alike, and each role both fill with
    a noun ("license [Windows Phone]" is not "licensing [its patent portfolio]": a real failure)
    filled by the same word."""
    if any(c.dep_ == "neg" for c in verb.children) != any(c.dep_ == "neg" for c in other.children):
        return False
    for role in _ARGUMENTS:
        mine = [c for c in verb.children if c.dep_ == role and c.pos_ != "PRON"]
        theirs = [c for c in other.children if c.dep_ == role and c.pos_ != "PRON"]
        if mine and theirs and {c.lemma_.lower() for c in mine} != {c.lemma_.lower() for c in theirs}:
            return False
    return True


def _insertion_point(word: Token, doc: Doc, *, role: bool) -> int | None:
    """Where a phrase hung on ``word`` goes: after a noun that ends its phrase (nothing of its own
    to its right), after a verb's object (or the verb when it has none); a ``role`` after a name
    wherever it stands, unless the name has one already; None elsewhere."""
    if word.pos_ in ("NOUN", "PROPN"):
        if any(not c.is_punct for c in word.rights):
            return None
        following = doc[word.i + 1] if word.i + 1 < len(doc) else None
        if role:
            if following is not None and (following.tag_ == "POS" or following.dep_ in ("compound", "flat")):
                return None  # "Aiello's", a name that goes on
            if any(c.dep_ in ("compound", "amod") and c.pos_ == "NOUN" for c in word.lefts):
                return None  # "chief negotiator Rustem Umerov" has its role
            return word.idx + len(word.text)
        last = word
    else:
        objects = [c for c in word.rights if c.dep_ in ("dobj", "prt", "dative", "attr", "acomp", "oprd")]
        last = max((o.right_edge for o in objects), key=lambda t: t.i, default=word)
        if any(c.dep_ in ("ccomp", "xcomp") for c in word.rights):
            return None  # "said [in Ankara] that …" reads; "said that … [in Ankara]" moves the place
    following = doc[last.i + 1] if last.i + 1 < len(doc) else None
    if following is not None and not (following.is_punct or following.dep_ in ("prep", "cc", "advcl", "mark")):
        return None
    return last.idx + len(last.text)


def _phrase(child: Token, doc: Doc, word: Token, have: set[str]) -> str | None:
    """The phrase ``child`` heads in ``doc``, as the detail's text, if it may be offered; else None.
    A parenthesis inside it is left out ("of war (PoWs)" → "of war")."""
    if child.dep_ == "appos" and child.lower_ in _DISTRIBUTIVE and child.left_edge == child == child.right_edge:
        return None if child.lower_ in have else child.text
    if child.dep_ not in ("prep", "appos"):
        return None
    if child.dep_ == "prep" and any(c.dep_ == "prep" and c.lower_ == child.lower_ for c in word.children):
        return None  # a second "in": two places or two times of one thing may disagree
    if child.dep_ == "prep" and child.left_edge.i != child.i:
        return None  # a phrase that starts before its preposition is a misparse ("a double off a dominant …")
    tokens: list[Token] = []
    depth = 0
    for token in doc[child.left_edge.i : child.right_edge.i + 1]:
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth -= 1
        elif depth == 0:
            tokens.append(token)
    if depth or not tokens or tokens[-1].is_punct or len(tokens) > MAX_DETAIL_WORDS:
        return None
    if any(t.pos_ in ("VERB", "AUX", "PRON") or t.text in _QUOTE_MARKS or t.tag_ == "PRP$" for t in tokens):
        return None
    if any(t.lower_ in DEMONSTRATIVES for t in tokens):
        return None  # "[in that character]" points into its own sentence (a fused sentence of an unseen brief)
    text = "".join(t.text + t.whitespace_ for t in tokens).strip()
    if _RELATIVE_TIME.search(text):
        return None
    content = [t for t in tokens if t.pos_ in ("NOUN", "PROPN", "NUM", "ADJ")]
    if not content or any(t.lower_ in have or t.lemma_.lower() in have for t in content):
        return None  # the sentence says it already ("brothers [inside a Huntington Beach apartment]")
    if any(t.ent_type_ in ("DATE", "TIME") or t.lemma_.lower() in _TIME_UNITS for t in tokens):
        return None  # a time of the other telling may be of another step ("are released [within days]")
    if child.dep_ == "appos" and not _role_of(child, tokens, word):
        return None
    return text


# A title is a few words: "White House senior adviser", "Pakistani television talk show host".
MAX_TITLE_WORDS = 5


def _title(token: Token, other: Doc, word: Token, doc: Doc, have: set[str]) -> tuple[str, int] | None:
    """The title another sentence puts before a person's full name ("[meteorologist] Justin
    Schultz", "[Cubs player] Kyle Schwarber"), to go before the same full name in the sentence
    (``word`` ends it) when the sentence gives that name nothing of its own before or after it,
    and the index of the name's first token there; else None. Nouns and adjectives only, ending in
    a word for a person: no determiner or possessive ("Cook's lawyer John Fellin" names a relation,
    not a role), no other person, no time."""
    if token.ent_type_ != "PERSON" or word.ent_type_ != "PERSON" or "compound" in (token.dep_, word.dep_):
        return None
    theirs, mine = _name_span(token), _name_span(word)
    if theirs is None or mine is None or len(mine) < 2 or theirs.text.lower() != mine.text.lower():
        return None
    tokens = list(other[token.left_edge.i : theirs.start])
    if not tokens or len(tokens) > MAX_TITLE_WORDS or not names_a_person(tokens[-1].lemma_.lower()):
        return None  # a title ends in a word for a person: "star", "host", "meteorologist", "adviser"
    if tokens[-1].tag_ in ("NNS", "NNPS") or any(
        t.dep_ == "conj" or "conj" in {c.dep_ for c in t.children} for t in (token, word)
    ):
        return None  # one person's: "candidates Rick Santorum and [Republicans] Newt Gingrich" (a dev brief)
    if any(t.pos_ not in ("NOUN", "PROPN", "ADJ") or t.ent_type_ in ("PERSON", "DATE", "TIME") for t in tokens):
        return None
    if any(t.lower_ in have or (t.pos_ != "PROPN" and t.lemma_.lower() in have) for t in tokens):
        return None  # the sentence says it already
    before = doc[mine.start - 1] if mine.start > 0 else None
    if before is not None and (before.pos_ in ("NOUN", "PROPN", "ADJ", "DET", "NUM") or before.tag_ in ("POS", "PRP$")):
        return None  # "Officer Angela Bennett", "the singer Rihanna": a title or a description already
    if any(c.dep_ == "appos" for c in word.children) or in_quotation(doc, word.i):
        return None
    text = "".join(t.text + t.whitespace_ for t in tokens).strip()
    if tokens[0].i == 0 and tokens[0].pos_ != "PROPN":
        # its capital was the other sentence's first letter: "Meteorologist Jane Roe said so."
        text = text[0].lower() + text[1:]
    return text, mine.start


def _name_span(word: Token) -> Span | None:
    """The named entity ``word`` is in, if any."""
    return next((e for e in word.doc.ents if e.start <= word.i < e.end), None)


# Who a role may be given: a person named in full (a surname alone may be a relative's), an organisation.
_DESCRIBED = {"PERSON", "ORG"}


def _role_of(head: Token, tokens: Sequence[Token], word: Token) -> bool:
    """Whether the appositive ``tokens`` (headed by ``head``, hung on the name ``word`` in another
    sentence) is a role for ``word`` as its sentence names it: a common noun phrase ("the stepfather
    of the victim", not an acronym "NDAQ" or a stray "company") of a person named in full by both
    sentences, or an organisation, where the name ends ("[AMC], a subsidiary …, CEO" is no role of AMC)."""
    if head.pos_ != "NOUN" or len(tokens) < 2 or word.ent_type_ not in _DESCRIBED or word.dep_ == "compound":
        return False
    mine, theirs = _name(word), _name(head.head)
    return mine == theirs and (word.ent_type_ == "ORG" or len(mine) >= 2)


def _name(word: Token) -> tuple[str, ...]:
    """The name ``word`` ends: its compound words and itself ("Phil Robertson")."""
    return (*(c.lower_ for c in word.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"), word.lower_)
