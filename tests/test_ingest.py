import pytest

from summarizer.errors import InputError, InputTooLargeError
from summarizer.ingest import Limits, ingest, strip_html

TEXT = "The council approved the budget on Monday. It will fund three new schools in the city."


def test_valid_article_is_normalised():
    (article,) = ingest(
        [
            {
                "id": "a",
                "title": " T ",
                "text": "  " + TEXT + "  \r\n",
                "url": "https://x.org/a",
                "published": "2025-05-16T10:00:00Z",
            }
        ]
    )
    assert article.text == TEXT and article.title == "T" and article.url == "https://x.org/a"


def test_missing_id_and_title_get_defaults():
    (article,) = ingest([{"text": TEXT}])
    assert article.id == "article-1" and article.title.startswith("The council")


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ([], "articles"),
        ([{"id": "a"}], "articles[0].text"),
        ([{"id": "a", "text": "   \n "}], "articles[0].text"),
        ([{"id": "a", "text": "<p> </p>"}], "articles[0].text"),
        ([{"id": "a", "text": TEXT}, {"id": "a", "text": TEXT}], "articles[1].id"),
        ([{"id": "a", "text": TEXT, "url": "ftp://x"}], "articles[0].url"),
        ([{"id": "a", "text": TEXT, "published": "last Friday"}], "articles[0].published"),
        ([{"id": "a b", "text": TEXT}], "articles[0].id"),
        ([{"id": "a", "text": TEXT, "body": "x"}], "articles[0].body"),
        ([{"id": "a", "text": 5}], "articles[0].text"),
        (["just a string"], "articles[0]"),
    ],
)
def test_bad_input_names_the_field(raw, field):
    with pytest.raises(InputError) as caught:
        ingest(raw)
    assert caught.value.field == field
    assert len(str(caught.value)) > 20


def test_limits_raise_too_large_with_the_limit_in_the_message():
    limits = Limits(max_articles=2, max_chars_per_article=200, max_total_chars=300)
    with pytest.raises(InputTooLargeError, match="limit is 2"):
        ingest([{"text": TEXT}] * 3, limits)
    with pytest.raises(InputTooLargeError, match="200") as caught:
        ingest([{"text": TEXT * 5}], limits)
    assert caught.value.field == "articles[0].text"
    with pytest.raises(InputTooLargeError, match="300"):
        ingest([{"id": "a", "text": TEXT * 2}, {"id": "b", "text": TEXT * 2}], limits)


def test_html_is_stripped_scripts_dropped_entities_decoded():
    markup = "<div><h1>Title</h1><p>Fish &amp; chips cost 5 pounds.</p><script>alert(1)</script><p>Next.</p></div>"
    assert strip_html(markup).split() == ["Title", "Fish", "&", "chips", "cost", "5", "pounds.", "Next."]
    (article,) = ingest([{"text": markup + " " + TEXT}])
    assert "alert" not in article.text and "<" not in article.text


def test_non_english_text_is_refused():
    german = (
        "Die Regierung hat am Montag beschlossen, drei neue Schulen in der Stadt zu bauen. "
        "Der Stadtrat stimmte dem Haushalt mit großer Mehrheit zu und die Bauarbeiten beginnen bald. "
    ) * 2
    with pytest.raises(InputError, match="English") as caught:
        ingest([{"text": german}])
    assert caught.value.code == "unsupported_language"


def test_invisible_characters_are_removed():
    (article,) = ingest([{"id": "a", "text": "Ig\u200bnore the\u202e budget\ufeff vote. " + TEXT}])
    assert article.text.startswith("Ignore the budget vote. ")
