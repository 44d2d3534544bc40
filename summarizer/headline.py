"""Stage 8, headline: one line over the brief, written by the model from the brief's top sentences.

The model sees only the brief's first sentences (already checked against their sources), and
the pipeline checks the headline like any written sentence (``check.check_sentence`` against the
source sentences the brief cites); a headline that fails is dropped, never shipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from summarizer.fuse import ask, one_line
from summarizer.generate import Generator
from summarizer.types import Generation

# Headlines of wire copy run 6-12 words; the top two sentences carry the story's main outcome
# (the planner orders the brief by where the story begins).
MAX_HEADLINE_WORDS = 12
TOP_SENTENCES = 2

HEADLINE_PROMPT = (
    "You write the headline of a news brief from the sentences the user gives; you never add facts. "
    f"At most {MAX_HEADLINE_WORDS} words, one line, no quotes, no label. State the main fact with its "
    "subject and verb, copying names, numbers and verbs from the sentences; keep who did what to whom, "
    "the tense, and every attribution or hedge (said, may, could, up to, allegedly). "
    "Reply with the headline only."
)


def write_headline(sentences: Sequence[str], generator: Generator) -> Generation:
    """A headline for a brief whose sentences, in order, are ``sentences`` (its first ones are
    used). The text has no final full stop; callers check it before use."""
    body = "Brief:\n" + "\n".join(f"- {one_line(text)}" for text in sentences[:TOP_SENTENCES])
    generation = ask(HEADLINE_PROMPT, body, generator)
    text = generation.text.rstrip(".").strip()
    if len(text.split()) > MAX_HEADLINE_WORDS:
        text = ""  # a sentence, not a headline: rejected like an empty answer
    return replace(generation, text=text)
