"""The verifier on the errors it must reject, taken from real briefs and SummEdits edits, and on
paraphrases it must pass. Real spaCy parses and WordNet; no mocks."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.brief.types import Citation
from summarizer.brief.verify import disputes, verify
from summarizer.nlp.text import names, numbers

SOURCE = "Russia and Ukraine agreed to swap 1,000 prisoners of war each, Vladimir Medinsky said in Istanbul."


def _cite(*texts, score=0.9):
    texts = texts or (SOURCE,)
    return tuple(Citation("a", i, 0, len(t), t, score) for i, t in enumerate(texts))


def _problems(sentence, *sources):
    verdict = verify(sentence, _cite(*sources))
    assert not verdict.supported, f"passed: {sentence!r}"
    return " | ".join(verdict.problems)


@pytest.mark.parametrize(
    "sentence",
    [
        "Russia and Ukraine will exchange 1000 prisoners of war each, Medinsky said.",
        "Russia and Ukraine agreed to swap 1,000 prisoners of war each, Medinsky said.",
        "Medinsky said Russia and Ukraine agreed to swap 1,000 prisoners of war each.",
    ],
)
def test_faithful_paraphrases_pass(sentence):
    verdict = verify(sentence, _cite())
    assert verdict.supported, verdict.problems


# The seeds' brief before claim-level checking: two false sentences passed the word rules.
SEED_TALKS = (
    "This was made at a time when the first face-to-face talks since Russia invaded Ukraine in February 2022 "
    'were under way, a session in which Moscow was accused by Kyiv of having new, "unacceptable demands."'
)
SEED_REQUEST = "The Ukrainian party requested direct negotiations among heads of state."
SEED_NOTE = "Moscow took note of this request, the Kremlin said."


def test_a_date_moved_to_another_event_is_rejected():
    problems = _problems("A face-to-face meeting between Russia and Ukraine was held in February 2022.", SEED_TALKS)
    assert "moves “February 2022”" in problems and "invaded" in problems


def test_a_request_turned_into_an_agreement_is_rejected():
    problems = _problems(
        "Ukrainian and Russian leaders agreed on direct negotiations among heads of state.", SEED_REQUEST, SEED_NOTE
    )
    assert "requested" in problems and "agreed" in problems


def test_the_same_fact_in_other_words_passes():
    verdict = verify("The Ukrainian party asked for direct negotiations among heads of state.", _cite(SEED_REQUEST))
    assert verdict.supported, verdict.problems


def test_a_passive_turned_around_is_rejected_and_read_right_passes():
    problems = _problems("Moscow accused Kyiv of having new, unacceptable demands.", SEED_TALKS)
    assert "reverses who did what" in problems
    right = verify("Kyiv accused Moscow of having new, unacceptable demands.", _cite(SEED_TALKS))
    assert right.supported, right.problems


def test_the_wrong_subject_from_another_sentence_is_rejected():
    # "Moscow" is in a cited sentence, but not as the one who requested
    problems = _problems("Moscow requested direct negotiations among heads of state.", SEED_REQUEST, SEED_NOTE)
    assert "wrong subject" in problems or "not “requested”" in problems


@pytest.mark.parametrize(
    ("sentence", "source", "expected"),
    [
        # hedges and attribution (rubric: a hedge dropped so that a claim becomes fact)
        (
            "Police are investigating the fire at the warehouse.",
            "Police are said to be investigating the fire at the warehouse.",
            "hedges",
        ),
        (
            "The suspect stole the painting from the museum.",
            "The suspect allegedly stole the painting from the museum.",
            "hedges",  # "allegedly" dropped
        ),
        (
            "The storm destroyed the harbour.",
            "Officials said the storm could destroy the harbour.",
            "hedges",
        ),
        ("The navy seized 14 ships.", "The navy seized up to 14 ships.", "drops “up to” before 14"),
        # from the labelled dev28 briefs: an estimate made exact
        ("The repairs cost $500,000, the city said.", "The repairs cost about $500,000, the city said.", "about"),
        ("A train passes every five minutes.", "A train passes about every five minutes.", "about"),
        # time
        ("The comet will be seen over Europe.", "The comet was seen over Europe.", "future"),
        # polarity
        ("The company did not recall the cars.", "The company recalled the cars.", "negation"),
        ("The council approved the budget.", "The council has not approved the budget.", "negation"),
        # antonyms (SummEdits antonym swaps)
        ("Shares of the company rose sharply on Monday.", "Shares of the company fell sharply on Monday.", "rose"),
        # entity modification (SummEdits): a name, a number, an attribute
        (
            "Oman is opening its airspace to Indian carriers.",
            "Oman is opening its airspace to Israeli carriers.",
            "Indian",
        ),
        ("A mine collapse killed three people.", "A mine collapse killed at least two people.", "3"),
        ("Lavrov said Russia and Ukraine agreed to swap 1,000 prisoners of war.", SOURCE, "Lavrov"),
        ("Russia and Ukraine agreed to swap 2,000 prisoners of war, Medinsky said.", SOURCE, "2000"),
        # invented detail
        (
            "Russia and Ukraine agreed to swap 1,000 prisoners after secret bribes funded weapons smuggling.",
            SOURCE,
            "words no cited sentence supports",
        ),
        ("Visit <a href='http://evil.example'>here</a> for 1,000 prisoners of war in Istanbul.", SOURCE, "markup"),
    ],
)
def test_unsupported_sentences_are_rejected_with_the_reason(sentence, source, expected):
    assert expected.lower() in _problems(sentence, source).lower()


def test_a_sentence_mixing_two_sources_cites_both():
    first = "Russia and Ukraine agreed to swap 1,000 prisoners of war each."
    second = "The talks took place in Istanbul on Friday."
    verdict = verify(
        "Russia and Ukraine agreed to swap 1,000 prisoners of war each in talks in Istanbul.", _cite(first, second)
    )
    assert verdict.supported, verdict.problems
    assert verdict.used == (0, 1)


def test_no_candidate_is_rejected():
    assert verify("Anything at all.", ()).problems == ("no source sentence says anything like this",)
    assert not verify("", _cite()).supported


# --- properties (hypothesis): whatever the sentence, an unsupported number or name never passes

VOCABULARY = [
    *("the", "council", "approved", "a", "budget", "for", "new", "schools", "on", "monday", "and", "said"),
    *("that", "work", "will", "start", "soon", "officials", "in", "city", "voted", "after", "long", "debate"),
    *("about", "roads", "bridges", "parks"),
]
NAMES = ["Lisbon", "Kowalski", "Nairobi", "Okafor", "Helsinki", "Duarte", "Kyoto", "Mendez"]


@st.composite
def evidence_and_claim(draw):
    evidence_words = draw(st.lists(st.sampled_from(VOCABULARY), min_size=6, max_size=25))
    evidence_names = draw(st.lists(st.sampled_from(NAMES[:4]), max_size=2))
    evidence_numbers = draw(st.lists(st.integers(1, 99), max_size=2))
    evidence = " ".join(["The", *evidence_words, *evidence_names, *map(str, evidence_numbers)]) + "."
    claim_words = draw(st.lists(st.sampled_from(evidence_words), min_size=3, max_size=15))
    # the claim adds a name or a number the evidence does not have, somewhere in the sentence
    added = draw(st.one_of(st.sampled_from(NAMES[4:]), st.integers(100, 10_000).map(str)))
    position = draw(st.integers(0, len(claim_words)))
    claim = " ".join(["The", *claim_words[:position], added, *claim_words[position:]]) + "."
    return evidence, claim, added


@settings(max_examples=20, deadline=None)
@given(evidence_and_claim())
def test_a_name_or_number_not_in_the_citations_never_passes(case):
    evidence, claim, added = case
    verdict = verify(claim, _cite(evidence, score=1.0))
    assert not verdict.supported
    assert any(added.lower() in problem.lower() for problem in verdict.problems), verdict.problems


@settings(max_examples=20, deadline=None)
@given(st.lists(st.sampled_from(VOCABULARY + NAMES + ["12", "1,500", "three"]), min_size=3, max_size=30))
def test_whatever_passes_has_its_numbers_and_names_in_the_citations(tokens):
    evidence = "The " + " ".join(tokens[: len(tokens) // 2 + 1]) + "."
    claim = "The " + " ".join(tokens) + "."
    if verify(claim, _cite(evidence, score=1.0)).supported:
        assert numbers(claim) <= numbers(evidence)
        assert names(claim) <= names(evidence) | {w.lower() for w in evidence.split()}


def test_sources_that_disagree_support_neither_side():
    said, denied = (
        "Russia and Ukraine agreed on a ceasefire on Friday.",
        "Russia and Ukraine have not agreed on a ceasefire yet.",
    )
    verdict = verify("Russia and Ukraine agreed on a ceasefire.", _cite(said, denied))
    assert not verdict.supported and "says the opposite" in " ".join(verdict.problems)
    # a source sentence copied word for word stays supported when another one merely shares a verb
    other = "The two sides agreed to share specific proposals on a possible ceasefire."
    assert verify(denied, _cite(denied, other)).supported


# the seeds, as they are: one outlet's sentence (its "He" read as the person it names) and the other's
SEEDS_ACCEPTED = (
    "Medinsky also accepted Ukraine's request for a direct presidential meeting between President Putin and "
    'President Zelensky, stating, "Overall, we are satisfied with the results and ready to continue contacts."'
)
SEEDS_TOOK_NOTE = (
    "Umarov reported that “ Ukrainian part requested direct negotiations among the heads of state ”from both "
    "countries, Zweenskyy and putinand that Moscow “took note of this request.”"
)


@pytest.mark.parametrize(
    ("claim", "other"),
    [
        # both strict readers marked the brief's "Medinsky accepted Ukraine's request ..." UNSUPPORTED
        (SEEDS_ACCEPTED, SEEDS_TOOK_NOTE),
        ("The council approved the budget on Monday.", "The council is still reviewing the budget."),
        ("The board agreed to the merger.", "The board will consider the merger at its next meeting."),
        ("The ministry accepted the proposal.", "Officials said the ministry had taken a note of the proposal."),
    ],
)
def test_a_commitment_another_article_reports_as_only_received_is_disputed(claim, other):
    found = disputes(claim, ["The weather in Istanbul was mild.", other])
    assert [index for index, _ in found] == [1]
    assert other.strip() in found[0][1]


@pytest.mark.parametrize(
    ("claim", "other"),
    [
        ("The council approved the budget.", "The council reviewed and approved the budget."),  # both
        ("The council approved the budget.", "The council did not review the budget."),  # not received either
        ("The council approved the budget.", "The council is still reviewing the zoning plan."),  # another thing
        ("The council may approve the budget.", "The council is still reviewing the budget."),  # no commitment
        ("The council did not approve the budget.", "The council is still reviewing the budget."),
        ("The council discussed the budget.", "The council is still reviewing the budget."),
    ],
)
def test_what_is_not_a_disputed_commitment_is_not(claim, other):
    assert disputes(claim, [other]) == ()
