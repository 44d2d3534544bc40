"""Stage 2, segment: articles → sentences with character spans into the article text.

NLTK Punkt (Kiss & Strunk 2006) with NLTK's English parameters (``punkt_data``). Line
breaks are hard boundaries first: news text puts headings, captions and bylines on
lines of their own without a full stop, and Punkt would glue them to the next sentence.
A wire dateline opening a paragraph ("WASHINGTON (AP) — ") is left out of the first
sentence's span: it is where the story was filed, not part of the sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from nltk.tokenize.punkt import PunktTokenizer

from summarizer.brief.types import Article, Sentence
from summarizer.nlp.punkt_data import ensure_punkt_data
from summarizer.nlp.text import STOPWORDS

_LINE = re.compile(r"[^\n]+")
# "WASHINGTON (AP) — ", "LONDON, England (CNN) -- ", "BALTIMORE - ", "WASHINGTON-": a place in
# capitals (3+ letters), an optional agency in brackets, a dash, then the sentence's capital.
_DATELINE = re.compile(
    r"[A-Z][A-Z.'’ ]{2,30}[A-Z.](?:,\s*[A-Z][A-Za-z.]+(?:\s[A-Z][A-Za-z.]+)?)?\s*(?:\([A-Za-z .&]{2,24}\)\s*)?"
    r"(?:—|–|--|-)\s*(?=[A-Z\"“‘'])"
)

# Punkt ends a sentence at an initialism when the next word is one its English parameters saw in
# lower case ("... from a former South Jersey U.S. | Postal Service employee, U.S. Attorney Craig
# Carpenito announced.", an unseen story, which plan then quoted in two halves). A capitalised
# word that starts a run of two or more and is no function word or sentence starter continues a
# name ("U.S. Postal Service", "U.S. District Judge"); "the U.S. Officials said", "the U.S. The
# rest" stay two sentences.
_INITIALISM_END = re.compile(r"\b(?:[A-Z]\.){2,}$")
_NAME_RUN = re.compile(r"([A-Z][a-z]+)\s+[A-Z]")


@lru_cache(maxsize=1)
def _tokenizer() -> PunktTokenizer:
    ensure_punkt_data()
    return PunktTokenizer("english")


def segment(articles: Sequence[Article]) -> tuple[Sentence, ...]:
    """All sentences of all articles, in article order; ``article.text[s.start:s.end] == s.text``."""
    tokenizer = _tokenizer()
    sentences: list[Sentence] = []
    for article in articles:
        spans: list[tuple[int, int, int]] = []
        for paragraph, line in enumerate(_LINE.finditer(article.text)):
            for number, (start, end) in enumerate(_spans(tokenizer, line.group(0))):
                start, end = _trim(article.text, line.start() + start, line.start() + end)
                dateline = _DATELINE.match(article.text, start, end) if number == 0 else None
                if dateline:
                    start = dateline.end()
                if end > start:
                    spans.append((start, end, paragraph))
        count = len(spans)
        sentences.extend(
            Sentence(article.id, i, start, end, article.text[start:end], i / count, paragraph)
            for i, (start, end, paragraph) in enumerate(spans)
        )
    return tuple(sentences)


def _spans(tokenizer: PunktTokenizer, line: str) -> list[tuple[int, int]]:
    """Punkt's sentence spans of ``line``, rejoined where a cut at an initialism splits a name."""
    spans: list[tuple[int, int]] = []
    for start, end in tokenizer.span_tokenize(line):
        if spans and _continues_a_name(line[spans[-1][0] : spans[-1][1]], line[start:end], tokenizer):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def _continues_a_name(before: str, text: str, tokenizer: PunktTokenizer) -> bool:
    run = _NAME_RUN.match(text)
    if not _INITIALISM_END.search(before) or run is None:
        return False
    first = run.group(1).lower()
    return first not in STOPWORDS and first not in tokenizer._params.sent_starters


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
