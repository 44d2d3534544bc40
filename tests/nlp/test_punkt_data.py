import nltk

from summarizer.nlp.punkt_data import ensure_punkt_data


def test_punkt_tab_files_are_written_and_nltk_uses_them(tmp_path):
    root = ensure_punkt_data(tmp_path / "nltk_data")
    folder = root / "tokenizers" / "punkt_tab" / "english"
    assert {p.name for p in folder.iterdir()} == {
        "abbrev_types.txt",
        "sent_starters.txt",
        "collocations.tab",
        "ortho_context.tab",
    }
    assert "dr" in (folder / "abbrev_types.txt").read_text().split("\n")
    assert str(root) in nltk.data.path
    assert nltk.sent_tokenize("Dr. Who arrived at 5 p.m. on Friday. He left.") == [
        "Dr. Who arrived at 5 p.m. on Friday.",
        "He left.",
    ]
    before = (folder / "ortho_context.tab").stat().st_mtime_ns
    ensure_punkt_data(tmp_path / "nltk_data")  # idempotent: nothing rewritten
    assert (folder / "ortho_context.tab").stat().st_mtime_ns == before
