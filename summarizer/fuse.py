"""Stage 6, fuse: the LLM rewrites one planned group's sentences into one sentence.

The prompt is a short fixed instruction (identical for every group, so llama.cpp reuses
its KV cache for that prefix) followed only by this group's evidence: the model never
sees the other articles, which is what keeps a small CPU model grounded ("attribute
first, then generate", Slobodkin et al. 2024). A retry adds the verifier's objections.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from summarizer.generate import Generator, Message
from summarizer.types import Generation

# One sentence of at most 35 words is ~50 tokens; 80 leaves room without letting a
# runaway answer cost seconds of decoding.
MAX_TOKENS = 80

# One system prompt for every call, single sentences included: it is the prefix llama.cpp
# computes once and reuses (generate.LlamaCppGenerator pins it), so the user message carries
# only this group's sentences (~50 prompt tokens a call instead of ~150).
SYSTEM_PROMPT = (
    "You write one sentence of a news brief from the source sentences the user gives; you never add facts. "
    "Merge them into ONE sentence of at most 35 words that states the facts they share (given one "
    "sentence, rewrite it as one clear sentence). Use only facts written in them. Copy names, numbers "
    "and dates exactly. Keep who did what to whom exactly as in the sources, with their verbs and tense. "
    "Keep every attribution and hedge of the sources (said, according to, may, could, up to, allegedly): "
    "never state as fact what a source attributes or hedges. Write in the third person, no quotes. "
    "Reply with the sentence only."
)


def fuse(evidence: Sequence[str], generator: Generator, *, objections: Sequence[str] = ()) -> Generation:
    """One fused sentence for ``evidence`` (1+ source sentences); ``objections`` makes it strict."""
    heading = "Source sentences:\n" if len(evidence) > 1 else "Source sentence:\n"
    body = heading + "\n".join(f"- {_one_line(text)}" for text in evidence)
    if objections:
        body += (
            "\n\nA previous answer was rejected: " + "; ".join(objections) + ". Use only words, names and "
            "numbers from the source sentences; when unsure, shorten the most informative source sentence."
        )
    messages: list[Message] = [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": body},
    ]
    generation = generator.generate(messages, max_tokens=MAX_TOKENS)
    return replace(generation, text=tidy(generation.text))


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


_LABEL = re.compile(
    r"^\s*(?:\*\*)?(?:merged|fused|rewritten|new|output|answer|sentence|summary|brief)"
    r"(?: sentence)?(?:\*\*)?\s*:(?:\*\*)?\s*",
    re.I,
)


def tidy(text: str) -> str:
    """The sentence out of a model reply: first non-empty line, labels, bullets, wrapping
    quotes and markdown emphasis removed, a final full stop ensured."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return ""
    line = _LABEL.sub("", lines[0])
    line = re.sub(r"^[-*•]\s+", "", line)
    line = line.replace("**", "").replace("__", "").strip()
    if len(line) >= 2 and line[0] in "\"“'" and line[-1] in "\"”'":
        line = line[1:-1].strip()
    if line and line.rstrip("\"'”’)").rstrip()[-1:] not in (".", "!", "?"):
        line += "."
    return line


# The last resort before quoting: one source sentence, shortened by deleting words. A model that
# may only delete keeps the source's subject, verb, tense and hedges, so the check passes far
# more often than a fused rewrite does (measured in docs/benchmarks.md#faithfulness).
COMPRESS_PROMPT = (
    "You shorten one sentence of a news article for a brief. Delete words only: never add, replace or "
    "reorder words. Keep the main subject, its verb and tense, names, numbers, dates, and every "
    "attribution or hedge (said, according to, may, could, up to, allegedly). Drop asides, datelines "
    "and quoted fragments. At most 30 words, third person. Reply with the shortened sentence only."
)


def compress(sentence: str, generator: Generator) -> Generation:
    """``sentence`` shortened by deleting words (Knight & Marcu 2002's deletion-only compression)."""
    messages: list[Message] = [
        {"role": "system", "content": COMPRESS_PROMPT},
        {"role": "user", "content": _one_line(sentence)},
    ]
    generation = generator.generate(messages, max_tokens=MAX_TOKENS)
    return replace(generation, text=tidy(generation.text))
