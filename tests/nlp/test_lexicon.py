"""WordNet from Debian's packages through NLTK: provisioning and the relations the verifier uses."""

import pytest

from summarizer.errors import ModelError
from summarizer.nlp import lexicon


def test_wordnet_is_provisioned_from_the_debian_files(tmp_path):
    root = lexicon.ensure_wordnet_data(tmp_path)
    folder = root / "corpora" / "wordnet"
    lexnames = (folder / "lexnames").read_text().splitlines()
    assert len(lexnames) == 45 and lexnames[29] == "29\tverb.body\t2"
    assert (folder / "index.sense").stat().st_size > 1_000_000
    assert lexicon.ensure_wordnet_data(tmp_path) == root  # idempotent


def test_missing_wordnet_names_the_install_command(tmp_path):
    with pytest.raises(ModelError, match="apt-get install --no-install-recommends wordnet-base"):
        lexicon.ensure_wordnet_data(tmp_path / "data", source=tmp_path / "nowhere")


@pytest.mark.parametrize(
    ("word", "pos", "same"),
    [
        ("request", "v", "ask"),  # synonym
        ("negotiation", "n", "negotiate"),  # derivation
        ("ukrainian", "a", "ukraine"),  # pertainym
        ("vessel", "n", "ship"),  # the claim may be more general than its source
        ("talks", "n", "negotiation"),
    ],
)
def test_equivalents_cover_paraphrase(word, pos, same):
    assert same in lexicon.equivalents(word, pos)


@pytest.mark.parametrize(
    ("word", "pos", "other"),
    [("request", "v", "agree"), ("find", "v", "seize"), ("ship", "n", "vessel"), ("rise", "v", "fall")],
)
def test_equivalents_do_not_cover_a_changed_fact(word, pos, other):
    assert other not in lexicon.equivalents(word, pos)


def test_antonyms():
    assert "fall" in lexicon.antonyms("rise", "v")
    assert "small" in lexicon.antonyms("huge", "a")  # an adjective satellite through its head
    assert "decrease" in lexicon.antonyms("increase", "v")


def test_event_nouns():
    assert lexicon.is_event_noun("invasion") and lexicon.is_event_noun("meeting")
    assert not lexicon.is_event_noun("ship") and not lexicon.is_event_noun("president")
