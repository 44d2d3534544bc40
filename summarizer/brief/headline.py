"""Stage 8, headline: one line over the brief, cut from the brief's first sentence.

The headline is the sentence's main clause with its asides deleted (sentence compression by
syntactic deletion, Knight & Marcu 2002; Filippova & Strube 2008, on the spaCy parse): the
subject and its verb with their objects and complements are kept; what precedes the subject
("For the first time since 2022, ..."), appositives, relative and adverbial clauses, a second
clause joined by "and", parentheses and dates are taken out, then prepositional phrases from the
right until the headline fits ``MAX_HEADLINE_WORDS``. It is a deletion, so it cannot reverse a
role or invent a word; a cut that would drop an attribution or hedge ("according to police",
"may") is refused (``write.keeps_attribution``), and the pipeline checks the headline like any
written sentence (``check.check_sentence``) before it ships. Why not the model: on the labelled
dev briefs its free headlines from the top two sentences were SUPPORTED 6 times in 19 (roles
reversed, hedges dropped), and it could not cut a headline by deletion alone (1 in 12);
docs/benchmarks.md#editor-ready-briefs.
"""

from __future__ import annotations

from spacy.tokens import Token

from summarizer.brief.standalone import editorial_problems
from summarizer.brief.write import is_deletion, keeps_attribution, keeps_main_clause
from summarizer.nlp.analyze import parse

# Headlines of wire copy run 6-12 words.
MAX_HEADLINE_WORDS = 12
# Never part of a headline: appositives, relative clauses, asides, discourse words.
_ASIDES = {"appos", "relcl", "parataxis", "intj", "meta", "dep", "npadvmod"}
# An adverbial clause goes only when it says when ("after discrepancies were found"); one of
# purpose or condition ("to help tsunami victims", "if ...") is part of the claim: cutting it
# over-claimed on the labelled dev briefs ("may write off their donations").
TEMPORAL_MARKS = {"after", "before", "when", "while", "as", "once", "until"}
# A cut may not end on a word that needs what follows it ("... peeking out from", "... company or").
_DANGLING_POS = {"ADP", "CCONJ", "SCONJ", "DET", "PART", "AUX", "PUNCT"}
_QUOTES = set('"“”‘’')
_REPORTING = {"say", "tell", "report", "announce", "confirm", "add", "state"}
# Cut from the right, one phrase at a time, while the headline is too long: only phrases of time
# and place ("on Saturday", "in Istanbul") and a means ("by making ..."); cutting others changed
# claims on the labelled dev briefs ("plead not guilty [by reason of insanity]").
PLACE_TIME_PREPS = {"in", "on", "at", "during", "after", "before", "since", "near", "across", "throughout", "from"}
PLACE_TIME = {"DATE", "TIME", "GPE", "LOC", "FAC"}
_TIME_ADVERBS = {"later", "now", "also", "then", "recently", "currently", "still", "already", "yesterday", "today"}
# A headline names something: a name, a place, a number (not "The intelligence summary emerged").
_SPECIFIC = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW", "MONEY",
             "CARDINAL", "QUANTITY", "PERCENT"}  # fmt: skip
MIN_HEADLINE_WORDS = 4


def cut_headline(sentence: str) -> str | None:
    """A headline deleted from ``sentence`` (no final full stop, first letter capitalised), or
    None when its main clause cannot be cut to ``MAX_HEADLINE_WORDS`` words without losing an
    attribution or hedge."""
    if _QUOTES & set(sentence):
        return None  # cutting inside or around a quotation misquotes its speaker
    doc = parse(sentence)
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or root.pos_ not in ("VERB", "AUX"):
        return None
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or subject.pos_ == "PRON" or (subject.i > root.i and root.lemma_ not in _REPORTING):
        return None  # "Are a few dozen words ...", "There is ...", "It is ..." are no headlines
    kept = _clause(root, subject)
    subjects = [t.i for t in doc if t.i in kept and t.dep_ in ("nsubj", "nsubjpass", "expl")]
    if not subjects:
        return None  # the whole clause is a parenthesis: "(Tests remain pending, the sheriff said.)"
    # phrases before the first subject are not trimmed (there are none left but the subject's own)
    first_subject = min(subjects)
    # "..., police said": the comma before a reporting clause that follows its report stays
    report_start = min(t.i for t in subject.subtree)
    pinned = frozenset({report_start - 1}) if report_start and doc[report_start - 1].text == "," else frozenset()
    while len(_text(doc, kept, pinned).split()) > MAX_HEADLINE_WORDS:
        # whole phrases on a verb ("by reason of insanity"), never the inside of one ("by reason")
        optional = [t for t in doc if t.i in kept and t.i > first_subject and _trimmable(t)]
        if not optional:
            return None
        last = max(optional, key=lambda t: t.i)
        kept -= {t.i for t in last.subtree}
    text = _text(doc, kept, pinned)
    text = text[:1].upper() + text[1:]
    # every attribution and hedge of the claim kept must stay; a second clause cut whole takes its own
    second = {t.i for c in root.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX") for t in c.subtree}
    claim = " ".join(t.text for t in doc if t.i not in second)
    if (
        len(text.split()) < MIN_HEADLINE_WORDS
        or not any(t.ent_type_ in _SPECIFIC for t in doc if t.i in kept)
        # a short lead that stands alone is its own headline
        or not (
            is_deletion(text, sentence)
            or (is_deletion(text, sentence, strict=False) and not editorial_problems(sentence))
        )
        or not keeps_attribution(text, claim)
    ):
        return None
    # read again, the cut must have the same main verb and subject, or it is garbled
    if not keeps_main_clause(text, sentence):
        return None
    return text


def _clause(root: Token, subject: Token) -> set[int]:
    """Token indexes of ``root``'s clause without its asides and pre-subject adverbials."""
    kept: set[int] = set()

    def keep(token: Token) -> None:
        kept.add(token.i)
        for child in token.children:
            if child.dep_ == "relcl" and not _after_comma(child):
                keep(child)  # "citizens who donated to help the victims": it says which ones
                continue
            if child.dep_ in _ASIDES or (
                child.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in TEMPORAL_MARKS for m in child.children)
            ):
                continue
            if token.i == root.i and child.dep_ in ("cc", "conj", "prep", "advmod") and child.i < subject.i:
                continue  # "For the first time since 2022, ...", "But ..."
            if token.pos_ in ("VERB", "AUX") and child.dep_ in ("cc", "conj") and child.pos_ in ("VERB", "AUX"):
                continue  # a second clause: ", and Republicans appear on track ..."
            if child.dep_ == "ccomp" and any(c.dep_ == "ccomp" and c.i < child.i for c in token.children):
                continue  # a second report of one "say" (a parse of "took a cab, asked the driver")
            keep(child)

    keep(root)
    # a parenthesis is an aside wherever it is
    depth = 0
    for token in root.doc:
        if token.text in "([":
            depth += 1
        if depth:
            kept.discard(token.i)
        if token.text in ")]":
            depth = max(0, depth - 1)
    return kept


def _after_comma(token: Token) -> bool:
    start = min(t.i for t in token.subtree)
    return start > 0 and token.doc[start - 1].text == ","


def _trimmable(token: Token) -> bool:
    """A phrase of time or place ("on Friday", "in Waukesha", "later"), a means ("by making
    ...") or a participle's aside after a comma, that says nothing of attribution or hedge: the
    whole phrase; "by reason of insanity" is never one."""
    if _attributes(token):
        return False
    if token.dep_ == "prep" and token.lower_ == "by" and any(c.tag_ == "VBG" for c in token.children):
        return True  # the means: "cost the Coast Guard $500,000 [by making false distress alerts]"
    if token.dep_ == "advcl" and token.tag_ == "VBG" and _after_comma(token):
        return not any(c.dep_ == "mark" for c in token.children)  # ", [putting the crews at risk]"
    if token.dep_ == "prep":  # wherever the parser attached it ("by reason [on Friday]")
        return token.lower_ in PLACE_TIME_PREPS and any(t.ent_type_ in PLACE_TIME for t in token.subtree)
    return token.head.pos_ in ("VERB", "AUX") and token.dep_ in ("advmod", "npadvmod") and token.lower_ in _TIME_ADVERBS


def _attributes(token: Token) -> bool:
    return not keeps_attribution("", " ".join(t.text for t in token.subtree))


def _text(doc, kept: set[int], pinned: frozenset[int] = frozenset()) -> str:
    # a comma stays where it stood between two kept words (whatever the parser attached it to) or
    # where it is ``pinned``; one beside a cut aside goes with it
    commas = {t.i for t in doc if t.text == "," and ({t.i - 1, t.i + 1} <= kept or t.i in pinned)}
    tokens = [t for t in doc if (t.i in kept and t.text != ",") or t.i in commas]
    while tokens and (tokens[-1].pos_ in _DANGLING_POS or tokens[-1].dep_ in ("cc", "prep", "mark", "case")):
        tokens.pop()
    while tokens and tokens[0].pos_ == "PUNCT":
        tokens.pop(0)
    # a word keeps its own spacing before the next kept word; a gap where words were cut is a space
    text = "".join(
        t.text + (t.whitespace_ if k + 1 < len(tokens) and tokens[k + 1].i == t.i + 1 else " ")
        for k, t in enumerate(tokens)
    )
    text = " ".join(text.split()).replace(" ,", ",")
    return text
