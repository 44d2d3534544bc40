"""Stage 3, clean: set aside boilerplate that is not part of the story.

Captions, share/follow prompts, bylines, "read also" links, headings and fragments are
common in scraped news (Multi-News is full of "Enlarge this image toggle caption" and
"Tweet with a location"). Nothing is deleted silently: every dropped sentence is kept
in ``Cleaned.dropped`` with its reason, and the brief reports them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from summarizer.errors import InputError
from summarizer.text import words
from summarizer.types import Cleaned, Dropped, Sentence

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
                r"cookies? (policy|settings)",
            ],
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


def clean(sentences: Sequence[Sentence]) -> Cleaned:
    """Split sentences into those kept for the brief and those dropped (with the reason)."""
    kept: list[Sentence] = []
    dropped: list[Dropped] = []
    for sentence in sentences:
        reason = _reason_to_drop(sentence.text)
        if reason is None:
            kept.append(sentence)
        else:
            dropped.append(Dropped(sentence, reason))
    return Cleaned(tuple(kept), tuple(dropped))


# Set aside for being short, not for being unsafe: when an article has nothing else (a
# one-line article), these are still its story. Text aimed at the model, markup and floods
# are never given back (a brief of them is what an injection wants).
SHORT_REASONS = frozenset({"fragment", "heading"})


def usable(cleaned: Cleaned) -> tuple[Sentence, ...]:
    """The sentences a brief or a check may use: the kept ones, or, when nothing was kept,
    those set aside only for being short. ``InputError`` when everything was unsafe or boilerplate."""
    if cleaned.kept:
        return cleaned.kept
    short = tuple(d.sentence for d in cleaned.dropped if d.reason in SHORT_REASONS)
    if not short:
        reasons = ", ".join(sorted({d.reason for d in cleaned.dropped})) or "empty"
        raise InputError(
            f"the articles hold no sentence that can be used: everything was set aside as {reasons}. "
            "Send the article text itself (text addressed to a language model is never summarised).",
            field="articles",
        )
    return short


def _reason_to_drop(text: str) -> str | None:
    for reason, pattern in _BOILERPLATE:
        if pattern.search(text):
            return reason
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
