"""Stage 8, verify: is a brief sentence supported by the sentences it cites?

Rules (all must hold; every failure is reported):
- it has at least one citation, and the best one has support ≥ ``MIN_BEST_SUPPORT``;
- every number (``1,000`` = ``1000``; number words too) appears in the cited sentences;
- every capitalised name appears in them (``same_name``: Ukraine/Ukrainian agree);
- no negation flip: not negated when no citation is, not un-negated when all are;
- at most ``MAX_NOVEL`` of its content words are absent from the citations — a fused
  sentence may rephrase, not add claims (this is also what stops an instruction injected
  in an article: the model's output survives only if the cited text supports it);
- no markup, links or code that the citations do not contain;
- no role reversal of a passive: sources saying "Moscow was accused by Kyiv" do not
  support "Moscow accused Kyiv" (seen with the 1.5B model on the seeds; word rules
  cannot see who did what to whom in general, but this rewrite is the common one).

A rule-based stand-in for an NLI check (none installable here; design.md), strict on
exactly the errors small models make when fusing: wrong numbers, invented names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from summarizer.text import content_words, names, negated, numbers, same_name, stem, words
from summarizer.types import Citation, Verdict

MIN_BEST_SUPPORT = 0.5
# Share of content words a fused sentence may bring that its sources lack: paraphrase
# ("swap" for "exchange") is fine, a new claim usually brings several new words.
MAX_NOVEL = 0.34
MAX_WORDS = 60
_MARKUP = re.compile(r"<[a-zA-Z/!][^>]*>|https?://|www\.|```|\[\^?\d+\]|\]\(|[{}]")


def verify(text: str, citations: Sequence[Citation]) -> Verdict:
    problems: list[str] = []
    if not text.strip():
        return Verdict(False, ("empty sentence",))
    if not citations:
        return Verdict(False, ("no supporting source sentence",))
    evidence = " ".join(c.text for c in citations)
    best = max(c.score for c in citations)
    if best < MIN_BEST_SUPPORT:
        problems.append(f"weak support ({best:.2f} < {MIN_BEST_SUPPORT})")
    if len(words(text)) > MAX_WORDS:
        problems.append(f"too long ({len(words(text))} words > {MAX_WORDS})")

    missing_numbers = sorted(numbers(text) - numbers(evidence))
    if missing_numbers:
        problems.append("numbers not in the sources: " + ", ".join(missing_numbers))

    evidence_words = set(words(evidence)) | names(evidence)
    missing_names = sorted(n for n in names(text) if not any(same_name(n, e) for e in evidence_words))
    if missing_names:
        problems.append("names not in the sources: " + ", ".join(missing_names))

    if negated(text) and not any(negated(c.text) for c in citations):
        problems.append("negation not in the sources")
    elif not negated(text) and all(negated(c.text) for c in citations):
        problems.append("drops the sources' negation")

    evidence_stems = {stem(w) for w in content_words(evidence)}
    own = content_words(text)
    novel = [w for w in own if stem(w) not in evidence_stems]
    if own and len(novel) / len(own) > MAX_NOVEL:
        problems.append("words not in the sources: " + ", ".join(sorted(set(novel))[:8]))

    reversed_roles = _reversed_passives(text, evidence)
    if reversed_roles:
        problems.append("reverses who did what: " + ", ".join(reversed_roles))

    markup = {m.group(0) for m in _MARKUP.finditer(text)} - {m.group(0) for m in _MARKUP.finditer(evidence)}
    if markup:
        problems.append("markup or links not in the sources: " + ", ".join(sorted(markup)[:3]))
    return Verdict(not problems, tuple(problems))


_PASSIVE = re.compile(
    r"\b([A-Z][\w'-]+)\s+(?:was|were|is|are|has been|have been|had been|being)\s+"
    r"(\w+?)e?d\s+by\s+(?:the\s+)?([A-Z][\w'-]+)"
)


def _reversed_passives(text: str, evidence: str) -> list[str]:
    """Active clauses of ``text`` that swap the roles of a passive clause in ``evidence``."""
    found = []
    for patient, verb, agent in _PASSIVE.findall(evidence):
        active = (
            rf"\b{re.escape(patient)}(?:'s)?\s+(?:\w+\s+){{0,2}}?{re.escape(verb)}\w*\s+(?:the\s+)?{re.escape(agent)}\b"
        )
        if re.search(active, text):
            found.append(f"{patient} {verb}… {agent}")
    return found
