"""The model as a calibrated judge: P(yes) that a claim is stated by its evidence.

A 1.5B model asked "yes or no?" answers yes to nearly everything (97% of brief sentences); its
first-token probabilities are a different signal: score = P(Yes) / (P(Yes) + P(No)) from
llama.cpp's ``top_logprobs`` (design.md measured AUC 0.84 on SummEdits news with this prompt).
A threshold on that score is set on dev data (bench/faithfulness.py --judge). The system prompt
is fixed, so llama.cpp reuses its cached prefix across calls.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from summarizer.errors import ModelError
from summarizer.models.generate import Message

SYSTEM_PROMPT = "You check facts. Answer only Yes or No."
QUESTION = "Is every detail of the claim stated in the source? Answer Yes or No."


@runtime_checkable
class ScoringGenerator(Protocol):
    """A generator that can give the probabilities of its answer's first token (llama.cpp's)."""

    def first_token_logprobs(self, messages: Sequence[Message], *, top: int = 10) -> dict[str, float]: ...


def p_yes(claim: str, evidence: Sequence[str], generator: object) -> float:
    """P(Yes) / (P(Yes) + P(No)) for "is ``claim`` stated in ``evidence``?"; 0.5 when the model
    puts neither among its top tokens."""
    if not isinstance(generator, ScoringGenerator):
        raise ModelError(f"{type(generator).__name__} cannot score answers; the judge needs a llama.cpp model.")
    source = "\n".join(evidence)
    messages: list[Message] = [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": f"Source:\n{source}\n\nClaim: {claim}\n\n{QUESTION}"},
    ]
    top = generator.first_token_logprobs(messages)
    yes, no = math.exp(top.get("yes", -math.inf)), math.exp(top.get("no", -math.inf))
    return 0.5 if yes + no == 0 else yes / (yes + no)
