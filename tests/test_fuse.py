import pytest

from summarizer.fuse import MAX_TOKENS, fuse, tidy


@pytest.mark.parametrize(
    ("reply", "sentence"),
    [
        ("Russia and Ukraine will swap prisoners.", "Russia and Ukraine will swap prisoners."),
        (
            "Merged sentence: Russia and Ukraine will swap prisoners\n\nExplanation: ...",
            "Russia and Ukraine will swap prisoners.",
        ),
        ('"Russia and Ukraine will swap prisoners."', "Russia and Ukraine will swap prisoners."),
        ("**Answer:** - Russia and Ukraine will **swap** prisoners.", "Russia and Ukraine will swap prisoners."),
        ('He said they were "afraid."', 'He said they were "afraid."'),
        ("   \n ", ""),
    ],
)
def test_tidy_keeps_only_the_sentence(reply, sentence):
    assert tidy(reply) == sentence


def test_fuse_with_real_weights_is_deterministic_and_bounded(smollm):
    evidence = [
        "Russia and Ukraine will swap 1,000 prisoners of war each.",
        "Negotiators announced an exchange of 1000 prisoners in Istanbul.",
    ]
    first = fuse(evidence, smollm)
    again = fuse(evidence, smollm)
    assert first == again
    assert first.prompt_tokens > 30 and 0 < first.completion_tokens <= MAX_TOKENS
    assert "\n" not in first.text


def test_objections_reach_the_prompt(smollm):
    evidence = ["Russia and Ukraine will swap 1,000 prisoners of war each."]
    plain = fuse(evidence, smollm)
    strict = fuse(evidence, smollm, objections=["numbers not in the sources: 2000"])
    assert strict.prompt_tokens > plain.prompt_tokens + 10
