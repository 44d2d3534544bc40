from summarizer.clean import clean
from summarizer.types import Sentence


def _sentences(*texts):
    return [Sentence("a", i, 0, len(t), t, i / len(texts)) for i, t in enumerate(texts)]


def test_boilerplate_is_dropped_with_a_reason_and_facts_kept():
    fact = "The council approved the budget for three new schools on Monday."
    result = clean(
        _sentences(
            fact,
            "Enlarge this image toggle caption Jim Cole/AP Jim Cole/AP",
            "Tweet with a location",
            "Read also| Russia-Ukraine Peace Talks Set for Istanbul",
            "Satisfactory conversations",
            "Ukraine asks for a meeting between Zelensky and Putin",
            "By Jane Doe",
            "© 2025 Example News. All rights reserved.",
        )
    )
    assert [s.text for s in result.kept] == [fact]
    reasons = [d.reason for d in result.dropped]
    assert reasons == ["caption", "social prompt", "link", "fragment", "heading", "byline", "notice"]


def test_nothing_is_lost():
    sentences = _sentences("A real sentence with enough words in it.", "Short one.", "Another complete sentence here.")
    result = clean(sentences)
    assert len(result.kept) + len(result.dropped) == len(sentences)
