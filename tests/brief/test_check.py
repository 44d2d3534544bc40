"""The public claim check: ``validate_claims`` and ``check_claims`` on the seeds with
real MiniLM (no LLM: a check never generates).

The claims are chosen so that any sound verifier agrees: a sentence copied verbatim from a seed
must be supported and cite itself; the same sentence with its number changed must not be.
"""

from __future__ import annotations

import pytest

from summarizer.brief.check import MAX_CLAIM_CHARS, MAX_CLAIMS, check_claims, validate_claims
from summarizer.errors import InputError, InputTooLargeError

# Verbatim sentences of the seeds, with where they are (article id, sentence index).
SWAP = (
    "Moscow and Russia have come to an understanding where they will swap 1,000 prisoners of war (PoWs) each, "
    "as confirmed by the top Moscow negotiator."
)
SWAP_AT = ("003_9ab0395e07a1f050", 0)
ISTANBUL = (
    "For the first time since the spring of 2022, the Russian and Ukrainian delegations met in Istanbul "
    "to Direct Peace Negotiations."
)
ISTANBUL_AT = ("000_3161f8562ff43925", 2)
# The seeds say 1,000 prisoners, never 2,000.
SWAP_2000 = SWAP.replace("1,000", "2,000")


def _mentions_number(problems: tuple[str, ...], number: str) -> bool:
    return any(number in problem.replace(",", "") for problem in problems)


def test_validate_claims_accepts_and_strips():
    assert validate_claims(["  One claim. ", "Two sentences. In one claim."]) == [
        "One claim.",
        "Two sentences. In one claim.",
    ]
    assert validate_claims(("a tuple works",)) == ["a tuple works"]
    # exactly at the limits
    assert len(validate_claims(["x"] * MAX_CLAIMS)) == MAX_CLAIMS
    assert validate_claims(["y" * MAX_CLAIM_CHARS]) == ["y" * MAX_CLAIM_CHARS]


@pytest.mark.parametrize(
    ("claims", "error", "field"),
    [
        ([], InputError, "claims"),
        ("a claim, not a list", InputError, "claims"),
        (None, InputError, "claims"),
        (["fine", 5], InputError, "claims[1]"),
        (["fine", "   "], InputError, "claims[1]"),
        (["x"] * (MAX_CLAIMS + 1), InputTooLargeError, "claims"),
        (["fine", "fine", "z" * (MAX_CLAIM_CHARS + 1)], InputTooLargeError, "claims[2]"),
    ],
    ids=["empty", "string", "none", "not-a-string", "blank", "too-many", "too-long"],
)
def test_validate_claims_refuses_naming_the_field(claims, error, field):
    with pytest.raises(error) as raised:
        validate_claims(claims)
    assert type(raised.value) is error
    assert raised.value.field == field
    assert field.split("[")[0] in str(raised.value)


# --- check_claims on the seeds ---------------------------------------------------------------


def test_a_copied_sentence_is_supported_and_cites_itself(embedder, seeds):
    swap, istanbul = check_claims(seeds, [SWAP, ISTANBUL], embedder)
    for result, text, (article_id, index) in ((swap, SWAP, SWAP_AT), (istanbul, ISTANBUL, ISTANBUL_AT)):
        assert result.supported, result
        assert result.claim == text
        (sentence,) = result.sentences
        assert sentence.supported and sentence.problems == ()
        assert (article_id, index, text) in {(c.article_id, c.sentence_index, c.text) for c in sentence.citations}
        assert result.score >= 0.9  # its own sentence is the closest there is
    # the citation's span indexes the article's text, as in a brief
    cited = next(c for c in swap.sentences[0].citations if (c.article_id, c.sentence_index) == SWAP_AT)
    article = next(a for a in seeds if a["id"] == SWAP_AT[0])
    assert SWAP in article["text"] and cited.end - cited.start == len(SWAP)


def test_a_changed_number_is_not_supported_and_the_problem_names_it(embedder, seeds):
    (result,) = check_claims(seeds, [SWAP_2000], embedder)
    assert not result.supported
    (sentence,) = result.sentences
    assert not sentence.supported
    assert _mentions_number(sentence.problems, "2000"), sentence.problems


def test_a_claim_with_one_false_sentence_is_not_supported(embedder, seeds):
    (result,) = check_claims(seeds, [f"{ISTANBUL} {SWAP_2000}"], embedder)
    assert [s.text for s in result.sentences] == [ISTANBUL, SWAP_2000]
    assert [s.supported for s in result.sentences] == [True, False]
    assert not result.supported
    assert result.score == min(s.score for s in result.sentences)
    assert _mentions_number(result.sentences[1].problems, "2000")


def test_a_claim_one_article_states_and_the_other_reports_as_only_received_is_not_supported(embedder, seeds):
    # the second article says Medinsky "accepted" Ukraine's request; the first, that Moscow "took note of" it
    claim = "Medinsky accepted Ukraine's request for a direct presidential meeting between Putin and Zelensky."
    (result,) = check_claims(seeds, [claim], embedder)
    assert not result.supported
    assert any("took note of this request" in p for p in result.sentences[0].problems)
    # the check alone found it stated: what decides is the other article
    (stated,) = result.sentences
    assert ("003_9ab0395e07a1f050", 9) in {(c.article_id, c.sentence_index) for c in stated.citations}


def test_bad_input_is_refused_naming_the_field(embedder, seeds):
    with pytest.raises(InputError) as no_articles:
        check_claims([], [SWAP], embedder)
    assert no_articles.value.field == "articles"
    with pytest.raises(InputTooLargeError) as too_many:
        check_claims(seeds, [SWAP] * (MAX_CLAIMS + 1), embedder)
    assert too_many.value.field == "claims"
