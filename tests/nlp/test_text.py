import pytest

from summarizer.nlp.text import names, numbers, same_name, words


def test_numbers_are_canonical():
    assert numbers("1,000 prisoners, then 1000 more, and two days on 24.5 km.") == {"1000", "2", "24.5"}
    assert numbers("No digits here.") == set()


def test_names_skip_sentence_starters_and_glue():
    assert names("The talks in Istanbul ended; Medinsky's team left.") == {"istanbul", "medinsky"}
    assert names("Moscow agreed.") == {"moscow"}
    assert names("However, Kyiv refused.") == {"kyiv"}


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("ukraine", "ukrainian", True),
        ("russia", "russian", True),
        ("austria", "australia", False),
        ("kyiv", "kiev", False),
    ],
)
def test_same_name(a, b, same):
    assert same_name(a, b) is same


def test_words():
    assert words("Putin’s aides didn't go.") == ["putin", "aides", "didn't", "go"]
