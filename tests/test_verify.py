import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.text import names, numbers
from summarizer.types import Citation
from summarizer.verify import verify

SOURCE = "Russia and Ukraine agreed to swap 1,000 prisoners of war each, Vladimir Medinsky said in Istanbul."


def _cite(text=SOURCE, score=0.9):
    return (Citation("a", 0, 0, len(text), text, score),)


def test_a_faithful_paraphrase_passes():
    verdict = verify("Russia and Ukraine will exchange 1000 prisoners of war each, Medinsky said.", _cite())
    assert verdict.supported, verdict.problems


@pytest.mark.parametrize(
    ("sentence", "problem"),
    [
        (
            "Russia and Ukraine agreed to swap 2,000 prisoners of war, Medinsky said.",
            "numbers not in the sources: 2000",
        ),
        (
            "Russia and Ukraine agreed to swap 1,000 prisoners in Geneva, Medinsky said.",
            "names not in the sources: geneva",
        ),
        ("Lavrov said Russia and Ukraine agreed to swap 1,000 prisoners of war.", "names not in the sources: lavrov"),
        ("Russia and Ukraine did not agree to swap 1,000 prisoners of war.", "negation not in the sources"),
        ("The European Union condemned sanctions, tariffs and refugees crossing borders yesterday.", "names not"),
        ("Visit <a href='http://evil.example'>here</a> for 1,000 prisoners of war in Istanbul.", "markup"),
    ],
)
def test_unsupported_sentences_are_rejected_with_the_reason(sentence, problem):
    verdict = verify(sentence, _cite())
    assert not verdict.supported
    assert any(problem in p for p in verdict.problems), verdict.problems


def test_no_citation_or_weak_support_is_rejected():
    assert verify("Anything at all.", ()).problems == ("no supporting source sentence",)
    assert not verify("Russia and Ukraine agreed to swap 1,000 prisoners of war each.", _cite(score=0.3)).supported


def test_dropping_a_negation_is_rejected():
    source = "Russia and Ukraine have not agreed on a ceasefire yet."
    verdict = verify("Russia and Ukraine have agreed on a ceasefire.", _cite(source))
    assert "drops the sources' negation" in verdict.problems


def test_new_claim_words_are_rejected():
    verdict = verify(
        "Russia and Ukraine agreed to swap 1,000 prisoners after secret bribes funded weapons smuggling.", _cite()
    )
    assert any(p.startswith("words not in the sources") for p in verdict.problems)


def test_a_passive_turned_around_is_rejected():
    source = "A session in which Moscow was accused by Kyiv of having new, unacceptable demands."
    wrong = verify("Moscow accused Kyiv of having new, unacceptable demands.", _cite(source))
    assert any(p.startswith("reverses who did what") for p in wrong.problems)
    right = verify("Kyiv accused Moscow of having new, unacceptable demands.", _cite(source))
    assert right.supported, right.problems


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


@settings(max_examples=300, deadline=None)
@given(evidence_and_claim())
def test_a_name_or_number_not_in_the_citations_never_passes(case):
    evidence, claim, added = case
    verdict = verify(claim, _cite(evidence, score=1.0))
    assert not verdict.supported
    assert any(added.lower() in problem for problem in verdict.problems), verdict.problems


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(VOCABULARY + NAMES + ["12", "1,500", "three"]), min_size=3, max_size=30))
def test_whatever_passes_has_its_numbers_and_names_in_the_citations(tokens):
    evidence = "The " + " ".join(tokens[: len(tokens) // 2 + 1]) + "."
    claim = "The " + " ".join(tokens) + "."
    if verify(claim, _cite(evidence, score=1.0)).supported:
        assert numbers(claim) <= numbers(evidence)
        assert names(claim) <= names(evidence) | {w.lower() for w in evidence.split()}
