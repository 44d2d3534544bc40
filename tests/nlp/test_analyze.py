"""The spaCy parse: the real en_core_web_sm pipeline from the hash-locked wheel."""

import pytest

from summarizer.errors import ModelError
from summarizer.nlp import analyze


def test_parse_reads_roles_entities_and_lemmas():
    doc = analyze.parse("Moscow was accused by Kyiv of new demands on Friday.")
    by_text = {t.text: t for t in doc}
    assert by_text["accused"].lemma_ == "accuse"
    assert by_text["Moscow"].dep_ == "nsubjpass" and by_text["Kyiv"].dep_ == "pobj"
    assert {(e.text, e.label_) for e in doc.ents} >= {("Moscow", "GPE"), ("Friday", "DATE")}


def test_each_text_is_parsed_once():
    first, second = analyze.parse_many(["One sentence here.", "Another one there."])
    assert analyze.parse("One sentence here.") is first
    assert analyze.parse_many(["Another one there.", "One sentence here."]) == [second, first]


def test_a_missing_pipeline_names_the_install_command(monkeypatch):
    monkeypatch.setattr(analyze, "PIPELINE", "en_core_web_sm_missing")
    analyze.nlp.cache_clear()
    try:
        with pytest.raises(ModelError, match="nlp.lock"):
            analyze.nlp()
    finally:
        monkeypatch.undo()
        analyze.nlp.cache_clear()


@pytest.mark.parametrize(
    ("text", "word", "inside"),
    [
        ('"You can\'t trust the government," she said.', "government", True),
        ('"You can\'t trust them," she said of the government.', "government", False),
        ("“The talks failed,” he said.", "talks", True),
        # a quotation opened a sentence earlier and closed in this one (MultiLing M001's shape)
        ("You can't put a price on that but apparently the government can.\"", "government", True),
        ("You can't put a price on that but apparently the government can.", "government", False),
    ],
)
def test_in_quotation(text, word, inside):
    doc = analyze.parse(text)
    at = next(t.i for t in doc if t.text == word)
    assert analyze.in_quotation(doc, at) is inside
