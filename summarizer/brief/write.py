"""Stage 6, fuse: the LLM rewrites one planned group's sentences into one sentence.

The prompt is a short fixed instruction (identical for every group, so llama.cpp reuses
its KV cache for that prefix) followed only by this group's evidence: the model never
sees the other articles, which is what keeps a small CPU model grounded ("attribute
first, then generate", Slobodkin et al. 2024).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from summarizer.models.generate import Generation, Generator, Message
from summarizer.nlp.analyze import parse

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


def fuse(evidence: Sequence[str], generator: Generator) -> Generation:
    """One fused sentence for ``evidence`` (1+ source sentences)."""
    heading = "Source sentences:\n" if len(evidence) > 1 else "Source sentence:\n"
    body = heading + "\n".join(f"- {_one_line(text)}" for text in evidence)
    return _ask(SYSTEM_PROMPT, body, generator)


def _ask(system: str, user: str, generator: Generator) -> Generation:
    """One reply to a fixed system prompt (cached by llama.cpp) and ``user``, tidied to one sentence."""
    messages: list[Message] = [{"role": "system", "content": system}, {"role": "user", "content": user}]
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


# Compression by deletion (Knight & Marcu 2002; Filippova & Strube 2008): the group's best
# sentence with words taken out, never changed. Measured on the labelled dev briefs
# (docs/benchmarks.md#faithfulness): the model's fused rewrites were SUPPORTED 65% of the time, its
# "shortened" sentences 57% when any rewording was let through, quotes 100%. So a compression is
# accepted only if it is a true deletion (``is_deletion``), and it comes first.
COMPRESS_PROMPT = (
    "You shorten one sentence of a news article for a brief. Delete words only: never add, replace or "
    "reorder words. Keep the main subject, its verb and tense, names, numbers, dates, and every "
    "attribution or hedge (said, according to, may, could, up to, about, allegedly). Drop asides, "
    "datelines, parentheses and quoted fragments. At most 30 words. Reply with the shortened sentence only.\n"
    "Example: WASHINGTON (AP) - The Senate on Tuesday passed, by a vote of 62 to 38, a bill that would "
    "raise the debt ceiling, which Republicans had opposed for weeks, officials said.\n"
    "Shortened: The Senate on Tuesday passed, by a vote of 62 to 38, a bill that would raise the debt "
    "ceiling, officials said."
)


def compress(sentence: str, generator: Generator) -> Generation:
    """``sentence`` shortened by the model; callers keep it only if ``is_deletion`` holds."""
    return _ask(COMPRESS_PROMPT, _one_line(sentence), generator)


_TOKEN = re.compile(r"[\w$%€£]+(?:['’.,-][\w]+)*")


def is_deletion(short: str, source: str, *, strict: bool = True) -> bool:
    """Whether ``short`` is ``source`` with words deleted (same words, same order; case and
    punctuation aside) and, when ``strict``, shorter."""
    wanted = [t.lower() for t in _TOKEN.findall(short.replace("’", "'"))]
    have = [t.lower() for t in _TOKEN.findall(source.replace("’", "'"))]
    if not wanted or len(wanted) > len(have) or (strict and len(wanted) == len(have)):
        return False
    remaining = iter(have)
    return all(any(word == other for other in remaining) for word in wanted)


# Words that attribute or hedge a claim. A deletion that drops one turns a report into a fact
# ("X, according to police" → "X"; "what looks like a mask" → "a mask"). Measured on the 52
# compressed sentences of the labelled dev briefs (docs/benchmarks.md#editor-ready-briefs): 22
# dropped one; by the rubric's strict reader 19 of those were UNSUPPORTED, 2 CITATION_GAP, 1
# SUPPORTED, against 7 UNSUPPORTED of the 30 that kept them all.
_ATTRIBUTION = re.compile(
    r"\b(?:according to|said|says|say|told|tells|tell|reported|reports|report|reportedly|claimed|claims|claim|"
    r"alleged|alleges|allegedly|estimated|estimates|believed|believes|believe|suggested|suggests|suggest|"
    r"may|might|could|would|maybe|perhaps|likely|probably|possibly|apparently|appeared|appears|appear|"
    r"seemed|seems|seem|looks like|looked like|expected|trying to|tried to|pointed to|accused|denied|"
    r"insisted|insists|argued|argues|warned|warns)\b",
    re.I,
)


def keeps_attribution(short: str, source: str) -> bool:
    """Whether ``short`` keeps every word of ``source`` that attributes or hedges a claim
    (as often as ``source`` has it)."""
    wanted = Counter(m.group(0).lower() for m in _ATTRIBUTION.finditer(source))
    have = Counter(m.group(0).lower() for m in _ATTRIBUTION.finditer(short))
    return not wanted - have


def keeps_main_clause(short: str, source: str) -> bool:
    """Whether ``short``, parsed on its own, has the main verb and subject of ``source``: a
    deletion that reads otherwise is garbled ("Democrats are likely hold on", "… a soldier from
    the North claims" with "claims" now a verb)."""
    return _main_clause(short) == _main_clause(source) != ("", "")


def _main_clause(text: str) -> tuple[str, str]:
    doc = parse(text)
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None:
        return ("", "")
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass", "expl")), None)
    return (root.lemma_.lower(), subject.lower_ if subject is not None else "")


# A deletion takes out whole phrases (Filippova & Strube 2008 prune dependency subtrees): a kept
# word keeps its head, and a kept word keeps the modifiers that say which one, how many, whose,
# or whether at all. Cutting those changes the claim ("Retired firefighters joined" → "firefighters
# joined", "a possible licence suspension" → "licence suspension", "a decision on evacuations would
# be made" → "evacuations would be made": three UNSUPPORTED compressions of unseen briefs).
_BOUND = {"amod", "compound", "nummod", "quantmod", "poss", "det", "predet", "neg", "aux", "auxpass", "nmod",
          "case", "prt"}  # fmt: skip


def keeps_phrases(short: str, source: str) -> bool:
    """Whether ``short`` (a deletion from ``source``) drops only whole phrases of ``source``'s
    parse: no kept word loses its head or one of its bound modifiers (``_BOUND``)."""
    doc = parse(source)
    words = [t for t in doc if not t.is_punct]
    kept: set[int] = set()
    position = 0
    for word in (t.lower_ for t in parse(short) if not t.is_punct):
        while position < len(words) and words[position].lower_ != word:
            position += 1
        if position == len(words):
            return False  # not a deletion as spaCy tokenises it
        kept.add(words[position].i)
        position += 1
    for token in doc:
        if token.i not in kept:
            continue
        if token.head.i != token.i and token.head.i not in kept:
            return False
        if any(child.dep_ in _BOUND and child.i not in kept and not child.is_punct for child in token.children):
            return False
    return True
