"""Stage 3, clean: set aside what is not the story's prose, and articles with none.

Captions, share/follow prompts, bylines, "read also" links, navigation, tables, lists of names,
datelines, timestamps, headings and fragments are common in scraped news (Multi-News is full
of "Enlarge this image toggle caption" and "Tweet with a location"). Paragraphs in another
language are identified with py3langid (Lui & Baldwin 2012, langid.py's model) and set aside:
the sentence splitter and the models are English-only. Nothing is deleted silently: every
sentence set aside is in ``Cleaned.dropped`` with its reason, and an article with nothing left
is set aside whole with a warning naming it, so one bad article never sinks the brief. What a page
pasted before a sentence's first word (a bullet, "CLOSE", "UPDATED:", a dateline, a date and time)
is left out of the sentence: its span starts after it, so its text is still the article's own.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from summarizer.brief.types import Article, BriefWarning, Cleaned, Dropped, Sentence
from summarizer.errors import InputError
from summarizer.nlp.text import DATELINE, MONTH, STOPWORDS, words

# (reason, alternatives) checked in order, case-insensitively.
_BOILERPLATE: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (reason, re.compile("|".join(alternatives), re.I))
    for reason, alternatives in (
        (
            "caption",
            [
                r"toggle caption",
                r"enlarge this image",
                r"^(photo|image|video|file photo)\s*(:|/|\|)",
                r"^(pictured|above|below|left|right|top|bottom|inset)\s*:",
                r"^in this (photo|image|file photo|undated photo|photo provided)\b",
                r"\b(getty images|ap photo|reuters/)\b",
            ],
        ),
        (
            "social prompt",
            [
                r"tweet with a location",
                r"follow us on",
                r"share (this|on)\b",
                r"click here",
                r"sign up for",
                r"subscribe (to|now)",
                r"download the app",
            ],
        ),
        ("link", [r"^(read (also|more)|see also|related|watch|listen)\b\s*[:|]?", r"^https?://\S+$"]),
        (
            # page furniture a scraper keeps: buttons and widget labels on a line of their own
            "interface text",
            [
                r"^(close|share|replay|skip( ad)?|print|e-?mail|comments?|menu|search|next|previous|back to top|"
                r"loading|reset|photos?|videos?|gallery|article excerpt|continue reading|see more|show more|"
                r"reset photos|play video|expand|collapse)\W*$",
            ],
        ),
        ("navigation or table", [r"(\s\|\s?.*){2,}", r"\|\|", r"\t.*\t", r"(\s[•·»›]\s.*){2,}"]),
        (
            "credit",
            [
                r"^(photo|image|video|graphic|illustration)s?\s*(by|credit|courtesy)\b",
                r"\b(photo|image) (courtesy|credit)\b",
                r"^[A-Z][\w.'-]+(\s[A-Z][\w.'-]+){0,3}\s*/\s*(AP|AFP|Reuters|Getty Images|EPA|Shutterstock)\b",
            ],
        ),
        (
            "dateline",
            [r"^[A-Z][A-Z.'’ ]{2,30}[A-Z.](,\s*[A-Z][\w.]+)?\s*(\([\w .&]{2,24}\)\s*[-—–]*|[-—–]+)\s*$"],
        ),
        (
            "byline",
            [
                r"^(by|written by|reporting by|edited by)\s+[A-Z]?[\w.'-]+(\s+[\w.'-]+){0,4}\s*$",
                r"^\(?(ap|afp|reuters|cnn)\)?\s*[-—–]\s*$",
            ],
        ),
        (
            # Text addressed to a language model, not to readers (prompt injection planted in
            # pages): the fuse stage must never see it. Narrow on purpose: news *about* AI
            # ("the company's language model") does not match.
            "instruction to a model",
            [
                r"\b(ignore|disregard|forget|override)\b.{0,30}\b(previous|prior|above|earlier|all|your|the)\b.{0,20}"
                r"\b(instructions?|prompts?|rules|directions|guidelines)\b",
                r"\b(new|updated|real|hidden|secret) (system )?(instructions?|prompt)\b",
                r"\bhere (is|are) (the|your|a|my) (summary|brief|answer|response|output)\b",
                r"\b(system|developer) (prompt|message|instructions?)\b",
                r"\byou are (now|no longer)\b",
                r"\b(you|the (model|assistant|ai|summari[sz]er)) (must|should|will) (now )?"
                r"(say|write|reply|respond|answer|output|print|include|add|repeat)\b",
                r"(^|[:;]\s*|\band\s+)(reply|respond|answer) (only )?with\b",
                r"\b(as an ai|ai (language )?model|large language model|llm)\b.{0,40}\b(must|should|instructed)\b",
                r"<\|[a-z_]+\|>|\[/?inst\]|<</?sys>>|^\s*#{2,}\s*(instruction|system|assistant|response)\b",
                r"^\s*(system|assistant|user|human|ai)\s*:",
            ],
        ),
        (
            # Markup or code left in plain text (HTML is stripped at ingest; this is what
            # survives as literal text): escaped on output anyway, but never worth a sentence.
            "markup",
            [
                r"<\s*/?\s*(script|iframe|img|svg|style|object|embed|form|input|meta|link|a)\b",
                r"javascript\s*:",
                r"\bon(error|load|click|mouseover)\s*=",
                r"^\s*\[\^?\d+\]\s*:",
                r"\]\(\s*\w+:",
                r"\{\s*\"\w+\"\s*:",
            ],
        ),
        (
            "notice",
            [
                r"all rights reserved",
                r"^copyright\b",
                r"©",
                r"this material may not be published",
                r"^advertisement$",
                r"\(c\)\s*\d{4}",
                r"cookies? (policy|settings)",
                # "(c) 2016 Tech Times, All rights reserved. Do not reproduce without permission." (an
                # unseen story's page footer, which Punkt cut in two and plan quoted the second half of)
                r"\bdo not (reproduce|redistribute|republish)\b",
                r"\bmay not be (reproduced|redistributed|republished)\b",
            ],
        ),
        (
            # U+FFFD, its UTF-8 bytes read as Latin-1 ("ï¿½"), or those folded to ASCII ("i?1/2"):
            # the letter is lost ("And Ci? 1/2 line Lesage, 34, admitted …", an unseen story's
            # "Céline"), and Punkt cuts at the "?", so the sentence starts inside a name.
            "encoding damage",
            [r"\ufffd", r"ï¿½", r"\wi\?\s?1/2\s?[a-z]"],
        ),
    )
)
_TERMINAL = re.compile(r"[.!?…][\"'”’)\]]*$")
# Fewer than 4 words cannot carry a fact worth a brief sentence ("Satisfactory conversations").
MIN_WORDS = 4
# No English word is this long ("Pneumonoultramicroscopic..." has 45): longer runs are
# hashes, base64, or padding meant to flood the model's context.
MAX_TOKEN_CHARS = 50
# The longest sentence in dev28 + MultiLing has 226 words (a list), the next 122. Longer
# "sentences" are floods or lists; four of them as one group's evidence could overflow the
# model's context and fail the request.
MAX_SENTENCE_WORDS = 150
# A line with no end punctuation and under 12 words is a heading, not a sentence.
HEADING_MAX_WORDS = 12


def clean(articles: Sequence[Article], sentences: Sequence[Sentence], *, require_usable: bool = True) -> Cleaned:
    """Split ``sentences`` (of ``articles``) into kept and dropped-with-a-reason; an article left
    with nothing is set aside with a warning. When no article has a full sentence left, the ones
    set aside only for being short come back (a one-line article is still a story). With
    ``require_usable``, raises ``InputError`` naming every article and why when nothing at all can
    be used (otherwise every article gets its warning and nothing is kept)."""
    foreign = _foreign_paragraphs(sentences)
    texts = {a.id: a.text for a in articles}
    kept: list[Sentence] = []
    dropped: list[Dropped] = []
    for sentence in sentences:
        trimmed = _without_pasted_prefix(sentence)
        reason = (
            _reason_to_drop(trimmed.text)
            or foreign.get((sentence.article_id, sentence.paragraph))
            or _continues_a_cut_sentence(texts[sentence.article_id][: sentence.start])
            or _starts_inside_a_damaged_word(texts[sentence.article_id][: sentence.start], trimmed.text)
        )
        if reason is None:
            kept.append(trimmed)
        else:
            dropped.append(Dropped(sentence, reason))
    if not kept:
        kept = [d.sentence for d in dropped if d.reason in SHORT_REASONS]
        dropped = [d for d in dropped if d.reason not in SHORT_REASONS]
    with_text = {s.article_id for s in kept}
    set_aside = {a.id: _why_set_aside(a, dropped) for a in articles if a.id not in with_text}
    if require_usable and len(set_aside) == len(articles):
        raise InputError(
            "no article holds a sentence that can be used: "
            + "; ".join(f"articles[{i}] ({a.id!r}) {set_aside[a.id]}" for i, a in enumerate(articles))
            + ". Send the article text itself, in English (text addressed to a language model is never summarised).",
            field="articles",
        )
    warnings = tuple(
        BriefWarning("article_set_aside", f"article {a.id!r} was left out: it {set_aside[a.id]}.", a.id)
        for a in articles
        if a.id in set_aside
    )
    return Cleaned(tuple(kept), tuple(dropped), warnings)


# Set aside for being short, not for being unsafe: when no article has anything else (a
# one-line article), these are still its story. Text aimed at the model, markup and floods
# are never given back (a brief of them is what an injection wants).
SHORT_REASONS = frozenset({"fragment", "heading"})


def _why_set_aside(article: Article, dropped: Sequence[Dropped]) -> str:
    reasons = Counter(d.reason for d in dropped if d.sentence.article_id == article.id)
    if not reasons:
        return "has no text (nothing was left after removing markup)"
    listed = ", ".join(f"{reason} ×{count}" for reason, count in reasons.most_common())
    return f"has no usable sentence (set aside: {listed})"


# Paragraphs of 10+ words are judged by language: on the 2,117 paragraphs of dev28 + MultiLing
# (all English), py3langid read none of that length as another language, but 29 of 330
# 5-9-word lines (headlines, credits) were. Shorter paragraphs take their article's language.
LANGUAGE_MIN_WORDS = 10


def _foreign_paragraphs(sentences: Sequence[Sentence]) -> dict[tuple[str, int], str]:
    """``(article_id, paragraph) → "not English (xx)"`` for paragraphs in another language."""
    paragraphs: dict[tuple[str, int], list[str]] = defaultdict(list)
    for sentence in sentences:
        paragraphs[(sentence.article_id, sentence.paragraph)].append(sentence.text)
    by_article: dict[str, list[str]] = defaultdict(list)
    for (article_id, _), texts in paragraphs.items():
        by_article[article_id].extend(texts)
    article_language = {
        article_id: _language(" ".join(texts)) if len(" ".join(texts).split()) >= LANGUAGE_MIN_WORDS else "en"
        for article_id, texts in by_article.items()
    }
    foreign: dict[tuple[str, int], str] = {}
    for key, texts in paragraphs.items():
        text = " ".join(texts)
        language = _language(text) if len(text.split()) >= LANGUAGE_MIN_WORDS else article_language[key[0]]
        if language != "en":
            foreign[key] = f"not English ({language})"
    return foreign


def _language(text: str) -> str:
    return str(_identifier().classify(text)[0])


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:  # the model ships in the wheel; ~0.3 s to load once
    return LanguageIdentifier.from_model_file(MODEL_FILE)


_DAY = r"(mon|tues?|wed(nes)?|thu(rs)?|fri|sat(ur)?|sun)(day)?\.?"
# A date and/or a time and nothing else: "October 15, 2013 5:39 PM", "Saturday, March 26, 2005",
# "Updated: 4/19/2001", "Posted 10:05 a.m. ET".
_TIMESTAMP = re.compile(
    rf"^((updated?|published|posted|last (updated|modified)|first published)( on| at)?\s*:?\s*)?"
    rf"(({_DAY},?\s*)?({MONTH}\s+\d{{1,2}}(st|nd|rd|th)?,?\s*(\d{{4}})?|\d{{1,2}}\s+{MONTH},?\s*(\d{{4}})?|"
    rf"\d{{1,4}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|{_DAY}))?[\s,|@-]*"
    rf"(at\s*)?(\d{{1,2}}[:.]\d{{2}}(:\d{{2}})?\s*([ap]\.?m\.?)?\s*([A-Z]{{2,4}})?)?\W*$",
    re.I,
)
# A "sentence" of 6+ comma/semicolon-separated items with under 10% function words is a list
# (of companies, names, tags), not prose: a real page's 5,000-word list of sponsors was what
# made a whole dev story "not English" before clean judged paragraphs one by one.
LIST_MIN_ITEMS = 6
LIST_MAX_STOPWORD_SHARE = 0.1


def _is_list(text: str) -> bool:
    items = [item for item in re.split(r"[,;]", text) if item.strip()]
    if len(items) < LIST_MIN_ITEMS:
        return False
    tokens = words(text)
    return bool(tokens) and sum(t in STOPWORDS for t in tokens) / len(tokens) < LIST_MAX_STOPWORD_SHARE


# Words a sentence cannot end on: text after one continues the sentence a splitter (ours, or a
# dataset's) cut: "... a body believed to be the remains of | Savannah Gold were found ..." (a
# dev28 line that strict readers found quoted, its hedge lost).
_CUT_ENDINGS = re.compile(
    r"(?:,|\b(?:of|to|the|a|an|and|or|but|by|with|for|from|in|on|at|that|as|into|than|whose|which|who))\s*$", re.I
)


def _continues_a_cut_sentence(before: str) -> str | None:
    """ "continues a cut sentence" when the text before a sentence ends mid-sentence."""
    return "continues a cut sentence" if _CUT_ENDINGS.search(before[-40:]) else None


def _starts_inside_a_damaged_word(before: str, text: str) -> str | None:
    """ "encoding damage" when Punkt cut at the "?" of an ASCII-folded U+FFFD ("Ci?| 1/2 line Lesage")."""
    return "encoding damage" if re.search(r"\wi\?\s*$", before[-10:]) and re.match(r"1/2\s?[a-z]", text) else None


# What a page or a wire pastes before a sentence's first word: a bullet or dash ("- The shooting
# deaths ...", "* The rupture spread ..."), a page label ("CLOSE On Friday the ...", "UPDATED: A
# photo ..."), a dateline ("KABUL, Afghanistan (Reuters) - ", "(CNN) -- ") or a date and time
# ("Wednesday, January 21, 2015, 2:28 PM - A volcano ...", "Saturday, March 26, 2005 Up to ...") or
# an agency's name in brackets with no dash ("(CNN) A rare Enigma machine ...").
# Only before a capital or a quotation mark: "-In was not blocked" (a cut "Kiss-In") and "- he won
# his last election" are the rest of a cut sentence. On the 58 stories read (dev, unseen Multi-News), 18
# sentences came with one, among them articles' opening sentences in 6 stories, which plan had refused
# as pasted ("- A volcanic eruption in Tonga has created a new island"); 8 others are left as they were.
_PASTED_PREFIX = re.compile(
    r"^(?:"
    r"[-–—•·*>]+\s+"
    r"|(?:CLOSE|UPDATED?|BREAKING(?: NEWS)?|EXCLUSIVE|WATCH|VIDEO)\b:?\s+"
    r"|\((?:CNN|AP|AFP|Reuters|UPI|Bloomberg|dpa|Xinhua)\)\s+"
    rf"|{DATELINE}\s+"
    rf"|(?i:{_DAY},?\s+)?{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}},?\s*"
    r"(?:(?:at\s+)?\d{1,2}[:.]\d{2}\s*(?:[AaPp]\.?[Mm]\.?)?\s*(?:[A-Z]{2,4}\b)?)?\s*[-–—]*\s*"
    r")+(?=[A-Z\"“])"
)


def _without_pasted_prefix(sentence: Sentence) -> Sentence:
    """``sentence`` without what was pasted before its first word (``_PASTED_PREFIX``): its span
    starts later in the article, so its text is still the article's own."""
    prefix = _PASTED_PREFIX.match(sentence.text)
    if prefix is None or len(words(sentence.text[prefix.end() :])) < MIN_WORDS:
        return sentence
    return replace(sentence, start=sentence.start + prefix.end(), text=sentence.text[prefix.end() :])


def _reason_to_drop(text: str) -> str | None:
    for reason, pattern in _BOILERPLATE:
        if pattern.search(text):
            return reason
    if _TIMESTAMP.match(text) and re.search(r"\d", text):
        return "timestamp"
    if _is_list(text):
        return "list of names"
    if len(text.split()) > MAX_SENTENCE_WORDS:
        return "too long for one sentence"
    if any(len(token) > MAX_TOKEN_CHARS and not token.startswith(("http://", "https://")) for token in text.split()):
        return "unreadable"
    count = len(words(text))
    if count < MIN_WORDS:
        return "fragment"
    if count < HEADING_MAX_WORDS and not _TERMINAL.search(text.strip()):
        return "heading"
    return None
