"""The LLM judge's score from real llama.cpp token probabilities (SmolLM2 for plumbing; the 1.5B
model's discrimination is measured by bench/faithfulness.py, not asserted here)."""

import math

import pytest

from summarizer.errors import ModelError
from summarizer.models.judge import p_yes

SOURCE = ["Russia and Ukraine agreed to swap 1,000 prisoners of war each, Vladimir Medinsky said."]


def test_the_first_token_logprobs_are_a_distribution(smollm):
    top = smollm.first_token_logprobs([{"role": "user", "content": "Is Paris in France? Answer Yes or No."}], top=10)
    assert 1 <= len(top) <= 10
    assert all(v <= 0 for v in top.values())
    assert sum(math.exp(v) for v in top.values()) <= 1.0 + 1e-6


def test_p_yes_is_a_probability_and_deterministic(smollm):
    score = p_yes("Russia and Ukraine will exchange 1,000 prisoners.", SOURCE, smollm)
    assert 0.0 <= score <= 1.0
    assert p_yes("Russia and Ukraine will exchange 1,000 prisoners.", SOURCE, smollm) == score


def test_a_generator_without_token_probabilities_is_refused():
    class TextOnly:
        def generate(self, messages, *, max_tokens, grammar=None):
            raise AssertionError("not called")

    with pytest.raises(ModelError, match="cannot score"):
        p_yes("Anything.", SOURCE, TextOnly())
