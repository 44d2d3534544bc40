import json

import pytest

from summarizer.errors import InputError
from summarizer.files import read_articles


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
