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

_LINE = re.compile(r"[^\n]+")
# "WASHINGTON (AP) — ", "LONDON, England (CNN) -- ", "BALTIMORE - ", "WASHINGTON-": a place in
# capitals (3+ letters), an optional agency in brackets, a dash, then the sentence's capital.
_DATELINE = re.compile(
    r"[A-Z][A-Z.'’ ]{2,30}[A-Z.](?:,\s*[A-Z][A-Za-z.]+(?:\s[A-Z][A-Za-z.]+)?)?\s*(?:\([A-Za-z .&]{2,24}\)\s*)?"
    r"(?:—|–|--|-)\s*(?=[A-Z\"“‘'])"
)


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
            for number, (start, end) in enumerate(tokenizer.span_tokenize(line.group(0))):
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


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
