import pytest

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
