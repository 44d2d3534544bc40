import pytest

from summarizer.brief.write import (
    MAX_TOKENS,
    compress,
    fuse,
    is_deletion,
    keeps_attribution,
    keeps_main_clause,
    keeps_phrases,
    tidy,
)


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


@pytest.mark.parametrize(
    ("short", "source"),
    [
        # real failures of the labelled dev briefs (look-alikes): each deletion turned a report into a fact
        (
            "The caller made 28 false alerts from Annapolis.",
            "The caller made 28 false alerts from Annapolis, according to the Coast Guard.",
        ),
        (
            "Investigators are piecing together the deaths.",
            "Investigators are piecing together the deaths, said Officer Ann Bell.",
        ),
        ("The raccoon was unsettled by the trip.", "Maybe the raccoon was unsettled by the trip."),
        ("The video shows a white dust mask.", "The video shows what looks like a white dust mask."),
        ("The suspect admitted the killing.", "According to police, the suspect admitted the killing."),
    ],
)
def test_a_deletion_that_drops_an_attribution_or_hedge_is_refused(short, source):
    assert is_deletion(short, source)
    assert not keeps_attribution(short, source)


def test_a_deletion_that_keeps_its_attributions_is_accepted():
    source = "The caller, a local man, made 28 false alerts from Annapolis, according to the Coast Guard."
    assert keeps_attribution("The caller made 28 false alerts, according to the Coast Guard.", source)
    assert keeps_attribution("The council met.", "The council met on Monday evening.")


@pytest.mark.parametrize(
    ("short", "source", "expected"),
    [
        ("The council approved the budget.", "The council on Monday approved the budget for schools.", True),
        # garbled cuts of labelled dev sentences (look-alikes): the re-parse finds another verb or subject
        ("Democrats are likely hold on.", "Democrats are likely to hold on to the seat.", False),
        ("All men are British citizens.", "All of the men are British citizens.", False),
    ],
)
def test_a_deletion_must_keep_its_main_verb_and_subject(short, source, expected):
    assert keeps_main_clause(short, source) is expected


@pytest.mark.parametrize(
    ("short", "source", "expected"),
    [
        # whole phrases out: an aside, a phrase of time, a relative clause after a comma
        (
            "The council approved the budget, the mayor said.",
            "The council, which met for four hours, approved the budget on Monday, the mayor said.",
            True,
        ),
        ("Firefighters searched the park.", "Firefighters searched the park near the lake on Sunday.", True),
        # the three UNSUPPORTED compressions of unseen Multi-News briefs (look-alikes, not their words):
        # a modifier that says which ones dropped ("Retired firefighters" are not "firefighters") ...
        (
            "Lakeside firefighters joined the search for the missing man.",
            "Retired Lakeside firefighters joined the search for the missing man.",
            False,
        ),
        # ... a hedge inside a noun phrase dropped ("a possible suspension" is not "suspension") ...
        (
            "The bill would bring fines and licence suspension for drivers.",
            "The bill would bring fines and even a possible licence suspension for drivers.",
            False,
        ),
        # ... and a head noun dropped so that its complement becomes the subject
        (
            "The mayor said evacuations would be made tomorrow.",
            "The mayor said a decision on evacuations would be made tomorrow.",
            False,
        ),
        # a negation or an auxiliary of a kept verb is bound to it
        ("Officials had confirmed the deaths.", "Officials had not confirmed the deaths.", False),
        ("The team won the final.", "The team will have won the final.", False),
    ],
)
def test_a_deletion_drops_only_whole_phrases(short, source, expected):
    assert is_deletion(short, source)
    assert keeps_phrases(short, source) is expected
