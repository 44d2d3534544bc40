"""WordNet 3.0 (Princeton; Debian's ``wordnet-base`` + ``wordnet-sense-index``) read through NLTK.

What the verifier asks of words: are two words the same thing said differently (a shared
synset, a derivational form like "negotiate"/"negotiation", a pertainym like "Ukrainian"/
"Ukraine", or a hypernym: the claim may be more general than its source, "vessels" for
"ships"), and does a claim word contradict a source word (WordNet antonyms, "rose"/"fell").

Provisioning: NLTK only reads WordNet from its data folders and needs a ``lexnames`` file that
Debian lacks, so ``ensure_wordnet_data`` copies the Debian files under
``$SUMMARIZER_HOME/nltk_data/corpora/wordnet`` and writes ``lexnames`` from Debian's
lexnames(5WN) manual page (design.md). ``nltk.download`` is never called.
"""

from __future__ import annotations

import gzip
import re
import shutil
from functools import lru_cache
from pathlib import Path

import nltk

from summarizer.errors import ModelError
from summarizer.runtime import home

DEBIAN_WORDNET = Path("/usr/share/wordnet")
DEBIAN_LEXNAMES = Path("/usr/share/man/man5/lexnames.5WN.gz")
_FILES = (
    "adj.exc", "adv.exc", "noun.exc", "verb.exc", "cntlist.rev",
    "data.adj", "data.adv", "data.noun", "data.verb",
    "index.adj", "index.adv", "index.noun", "index.verb", "index.sense",
)  # fmt: skip
_INSTALL = "apt-get install --no-install-recommends wordnet-base wordnet-sense-index (make setup does this)"
# spaCy coarse tags → WordNet parts of speech (PROPN: demonyms and pertainyms live under nouns/adjectives)
POS = {"NOUN": "n", "PROPN": "n", "VERB": "v", "AUX": "v", "ADJ": "a", "ADV": "r"}
# How far up a claim word may be from its source word and still be "said more generally"
# ("vessel" for "ship" is 2 steps); further up, "entity" would cover everything. Verbs fan out
# far faster (2 steps below "take" are 730 words), so they get one step.
HYPERNYM_DEPTH = {"n": 2, "v": 1, "a": 0, "r": 0}
# Senses beyond the most frequent few are where unrelated words meet ("request" sense 5…).
MAX_SENSES = 4
EVENT_LEXNAMES = frozenset({"noun.act", "noun.event", "noun.process", "noun.phenomenon", "noun.communication"})


def ensure_wordnet_data(root: Path | None = None, source: Path = DEBIAN_WORDNET) -> Path:
    """Copy Debian's WordNet into an NLTK data folder if missing; put that folder on NLTK's path."""
    root = root or home() / "nltk_data"
    target = root / "corpora" / "wordnet"
    if not (target / "lexnames").exists():
        missing = [name for name in _FILES if not (source / name).is_file()]
        if missing or not DEBIAN_LEXNAMES.is_file():
            raise ModelError(
                f"WordNet is not installed ({source} lacks {', '.join(missing) or 'lexnames'}): {_INSTALL}."
            )
        target.mkdir(parents=True, exist_ok=True)
        for name in _FILES:
            shutil.copyfile(source / name, target / name)
        with gzip.open(DEBIAN_LEXNAMES, "rt") as manual:
            rows = re.findall(r"^(\d\d)\t(\w+\.\w+)\s", manual.read(), re.M)
        pos_number = {"adj": 3, "adv": 4, "noun": 1, "verb": 2}
        lines = [f"{number}\t{name}\t{pos_number[name.split('.')[0]]}" for number, name in rows]
        tmp = target / ".lexnames.tmp"
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
        tmp.replace(target / "lexnames")  # written last: its presence marks a complete folder
    if str(root) not in nltk.data.path:
        nltk.data.path.insert(0, str(root))
    return root


@lru_cache(maxsize=1)
def _wordnet():
    ensure_wordnet_data()
    from nltk.corpus import wordnet

    wordnet.ensure_loaded()
    return wordnet


def warm_up() -> None:
    _wordnet()


@lru_cache(maxsize=50_000)
def _synsets(lemma: str, pos: str) -> tuple:
    return tuple(_wordnet().synsets(lemma.replace(" ", "_"), pos=pos))[:MAX_SENSES]


@lru_cache(maxsize=50_000)
def equivalents(lemma: str, pos: str) -> frozenset[str]:
    """Words that say what ``lemma`` says: itself, its synonyms, derivational forms and
    pertainyms, and the words it generalises (hyponyms up to ``HYPERNYM_DEPTH`` down), lower-cased."""
    out = {lemma.lower()}
    for synset in _synsets(lemma, pos):
        for related in (synset, *_below(synset, HYPERNYM_DEPTH[pos])):
            out.update(name.lower().replace("_", " ") for name in related.lemma_names())
        for word in synset.lemmas():
            if word.name().lower() != lemma.lower():
                continue
            for form in (*word.derivationally_related_forms(), *word.pertainyms()):
                out.add(form.name().lower().replace("_", " "))
    return frozenset(out)


def _below(synset, depth: int) -> list:
    found, frontier = [], [synset]
    for _ in range(depth):
        frontier = [h for s in frontier for h in (*s.hyponyms(), *s.instance_hyponyms())]
        found.extend(frontier)
    return found


@lru_cache(maxsize=50_000)
def antonyms(lemma: str, pos: str) -> frozenset[str]:
    """WordNet antonyms of ``lemma`` (adjective satellites through their head: "huge" → "small")."""
    out: set[str] = set()
    for synset in _synsets(lemma, pos):
        heads = [synset, *synset.similar_tos()] if pos == "a" else [synset]
        for head in heads:
            for word in head.lemmas():
                if head is synset and word.name().lower() != lemma.lower():
                    continue
                out.update(a.name().lower().replace("_", " ") for a in word.antonyms())
    return frozenset(out - {lemma.lower()})


@lru_cache(maxsize=50_000)
def lexname(lemma: str, pos: str) -> str | None:
    """The lexicographer file of ``lemma``'s most frequent sense ("verb.communication"), or None."""
    synsets = _synsets(lemma, pos)
    return synsets[0].lexname() if synsets else None


@lru_cache(maxsize=50_000)
def is_event_noun(lemma: str) -> bool:
    """A noun that names something that happens or is said (an invasion, a meeting, talks):
    one of its frequent senses is an act, event, process or communication."""
    return any(s.lexname() in EVENT_LEXNAMES for s in _synsets(lemma, "n"))


@lru_cache(maxsize=50_000)
def names_a_person(lemma: str) -> bool:
    """A noun one of whose frequent senses is a person (WordNet's noun.person: officer, mother,
    suspect), so that "he" or "she" can stand for it; "hospital" and "transplant" cannot."""
    return any(s.lexname() == "noun.person" for s in _synsets(lemma, "n"))


@lru_cache(maxsize=50_000)
def is_known_word(word: str) -> bool:
    """Whether WordNet knows ``word`` (any inflection, any part of speech): "putinand" and
    "umerovaccording", two words run together, are not."""
    wordnet = _wordnet()
    return any(wordnet.morphy(word.lower(), pos) is not None for pos in ("n", "v", "a", "r"))
