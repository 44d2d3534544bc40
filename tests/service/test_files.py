import json
from pathlib import Path

import pytest

from summarizer.brief.ingest import ingest
from summarizer.errors import InputError
from summarizer.service.files import read_articles


def test_txt_title_rule_and_json_lists(tmp_path):
    (tmp_path / "one.txt").write_text("A Title\n\nBody sentence one. Body two.\n", encoding="utf-8")
    (tmp_path / "two.txt").write_text("\nNo title here. Just text.\n", encoding="utf-8")
    (tmp_path / "many.json").write_text(json.dumps([{"text": "x"}, {"id": "given", "text": "y"}]), encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignored", encoding="utf-8")
    articles = read_articles([tmp_path])
    assert [a["id"] for a in articles] == ["many-1", "given", "one", "two"]
    assert articles[2]["title"] == "A Title" and articles[2]["text"].startswith("Body")
    assert "title" not in articles[3]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "is empty"),
        ("latin.txt", "Caf\u00e9 society.".encode("latin-1"), "not UTF-8"),
        ("bad.json", b"{not json", "not valid JSON"),
        ("list.json", b"[1, 2]", "not an article object"),
        ("doc.pdf", b"%PDF", "unsupported file type"),
    ],
)
def test_bad_files_name_the_file(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as caught:
        read_articles([path])
    assert name in str(caught.value)


def test_missing_path_and_empty_directory(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        read_articles([tmp_path / "nope.txt"])
    with pytest.raises(InputError, match="no .txt or .json"):
        read_articles([tmp_path])


PAGE = Path(__file__).parents[1] / "data" / "page_bridge.html"


def test_html_files_are_pages_and_directories_include_them(tmp_path):
    (tmp_path / "bridge.html").write_bytes(PAGE.read_bytes())
    (tmp_path / "old.HTM").write_text("<html><body><p>An older page.</p></body></html>", encoding="utf-8")
    (tmp_path / "one.txt").write_text("Body sentence one.\n", encoding="utf-8")
    articles = read_articles([tmp_path])
    assert [a["id"] for a in articles] == ["bridge", "old", "one"]
    assert articles[0] == {"id": "bridge", "html": PAGE.read_text(encoding="utf-8")}
    assert "text" not in articles[1] and articles[1]["html"].startswith("<html>")
    (article,) = ingest(read_articles([tmp_path / "bridge.html"]))
    assert article.id == "bridge" and article.title == "River bridge to close for repairs until spring"
    assert "We use cookies" not in article.text and "3.2 million pounds" in article.text


def test_a_page_in_its_declared_charset_and_the_messages_name_html(tmp_path):
    latin = tmp_path / "latin.html"
    latin.write_bytes(
        '<html><head><meta charset="iso-8859-1"></head><body><p>Caf\u00e9</p></body></html>'.encode("latin-1")
    )
    (item,) = read_articles([latin])
    assert "Caf\u00e9" in item["html"]
    undeclared = tmp_path / "undeclared.html"
    undeclared.write_bytes("<p>Caf\u00e9</p>".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        read_articles([undeclared])
    (tmp_path / "doc.pdf").write_bytes(b"%PDF")
    with pytest.raises(InputError, match=r"\.html/\.htm files") as caught:
        read_articles([tmp_path / "doc.pdf"])
    assert "doc.pdf" in str(caught.value)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match=r"\.html pages"):
        read_articles([empty])
