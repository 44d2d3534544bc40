import pytest

from summarizer.fuse import MAX_TOKENS, compress, fuse, is_deletion, tidy


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


@pytest.mark.parametrize(
    ("short", "expected"),
    [
        ("The Senate passed a bill, officials said.", True),
        ("Senate passed bill.", True),
        # real rewrites the 1.5B model returned when asked to delete words only (dev28, seeds)
        ("Ukrainian party seeks direct state talks.", False),
        ("Republicans expected to win governorships and GOP-held seats in Utah.", False),
        ("The Senate passed a bill on Tuesday.", False),  # reordered
        ("WASHINGTON (AP) - The Senate on Tuesday passed a bill, officials said.", False),  # nothing deleted
        ("", False),
    ],
)
def test_is_deletion_accepts_only_words_taken_out(short, expected):
    source = "WASHINGTON (AP) - The Senate on Tuesday passed a bill, officials said."
    if short.startswith(("Ukrainian", "Republicans")):
        source = {
            "U": "The Ukrainian party requested direct negotiations among heads of state.",
            "R": "Republicans are expected to wrest the North Carolina governorship from Democratic control, "
            "and to easily win GOP-held seats in Utah.",
        }[short[0]]
    assert is_deletion(short, source) is expected


def test_compress_with_real_weights_is_deterministic(smollm):
    sentence = "WASHINGTON (AP) - The Senate on Tuesday passed a bill that raises the debt ceiling, officials said."
    first = compress(sentence, smollm)
    assert first == compress(sentence, smollm)
    assert first.text and "\n" not in first.text
