"""Stage 3, clean: set aside boilerplate that is not part of the story.

Captions, share/follow prompts, bylines, "read also" links, headings and fragments are
common in scraped news (Multi-News is full of "Enlarge this image toggle caption" and
"Tweet with a location"). Nothing is deleted silently: every dropped sentence is kept
in ``Cleaned.dropped`` with its reason, and the brief reports them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

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


def _reason_to_drop(text: str) -> str | None:
    for reason, pattern in _BOILERPLATE:
        if pattern.search(text):
            return reason
    count = len(words(text))
    if count < MIN_WORDS:
        return "fragment"
    if count < HEADING_MAX_WORDS and not _TERMINAL.search(text.strip()):
        return "heading"
    return None
