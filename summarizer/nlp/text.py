"""Word-level helpers shared by the stages: tokens, content words, numbers, names.

Plain regular expressions, for the stages that compare many sentences cheaply (clean, dedup,
cite's overlap): names are approximated by capitalisation. The verifier reads spaCy's parse
(``analyze.py``) instead, and uses these only as a first filter that demands *more* evidence:
a capitalised word mid-sentence must be in the sources even if the parser missed the name.
"""

from __future__ import annotations

import re
import unicodedata

# A month name or its abbreviation, capitalised ("May" the month, not "may" the modal, unless a
# caller compiles it case-insensitively): standalone finds pasted dates with it, clean timestamps.
MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|"
    r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)

# A wire dateline before a story's first word: "WASHINGTON (AP) —", "WASHINGTON-Behind", "LONDON —",
# "KABUL, Afghanistan (Reuters) -", "(CNN) --" (standalone finds one in a sentence, clean cuts it off).
DATELINE = (
    r"(?:[A-Z]{2}[A-Z.'-]+(?:\s+[A-Z][A-Z.'-]+)*(?:,\s+[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*)?\s*"
    r"(?:\([A-Za-z .&]+\))?|\([A-Za-z .&]+\))\s*[-–—]{1,2}"
)

# Words that point at something said before ("this plan", "that character"): standalone refuses
# one with nothing before it in the sentence, detail offers no phrase with one.
DEMONSTRATIVES = frozenset({"this", "that", "these", "those"})

# A compact English function-word list (after the SMART / NLTK stop lists); the clean,
# dedup and verify stages use it to separate content words from glue.
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "said",
        "says",
        "say",
        "according",
        "would",
        "may",
        "might",
        "must",
        "shall",
        "also",
    ]
)

_NUMBER_WORDS = {
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "twenty": "20",
    "thirty": "30",
    "forty": "40",
    "fifty": "50",
    "hundred": "100",
    "thousand": "1000",
    "million": "1000000",
    "billion": "1000000000",
    "dozen": "12",
}

_WORD = re.compile(r"[\w][\w'’.-]*[\w]|[\w]", re.UNICODE)
_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?")


def normalize(text: str) -> str:
    """Fold case, Unicode quotes/dashes and whitespace, so copies compare equal."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = re.sub(r"[–—]", "-", text)
    return re.sub(r"\s+", " ", text).strip().lower()


def words(text: str) -> list[str]:
    """Lower-cased word tokens, possessive ``'s`` removed."""
    out = []
    for token in _WORD.findall(normalize(text)):
        token = token.strip(".-'")
        if token.endswith("'s"):
            token = token[:-2]
        if token:
            out.append(token)
    return out


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOPWORDS and not w.isdigit()]


def numbers(text: str) -> set[str]:
    """Numbers as canonical strings: ``1,000`` and ``1000`` are the same; number words too."""
    found = {m.group(0).replace(",", "").rstrip(".") for m in _NUMBER.finditer(text)}
    found |= {_NUMBER_WORDS[w] for w in words(text) if w in _NUMBER_WORDS}
    return found


def names(text: str) -> set[str]:
    """Capitalised words that are not sentence-initial glue: a stand-in for named entities.

    The first word counts only when it is not a stop word ("The", "But" are skipped;
    "Moscow" is kept). Returned lower-cased, possessive removed.
    """
    found: set[str] = set()
    tokens = re.findall(r"[\w][\w'’-]*", unicodedata.normalize("NFKC", text))
    for position, token in enumerate(tokens):
        if not token[0].isupper():
            continue
        word = token.lower().replace("’", "'")
        if word.endswith("'s"):
            word = word[:-2]
        if word in STOPWORDS or word in _NUMBER_WORDS:
            continue
        if position == 0 and len(tokens) > 1 and word in _SENTENCE_STARTERS:
            continue
        found.add(word)
    return found


def same_name(a: str, b: str) -> bool:
    """``Ukraine``/``Ukrainian`` and ``Russia``/``Russian`` are one name; ``Austria``/
    ``Australia`` are not: a shared prefix of 6+ characters and lengths within 3."""
    if a == b:
        return True
    prefix = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        prefix += 1
    return prefix >= 6 and abs(len(a) - len(b)) <= 3 and prefix >= min(len(a), len(b)) - 2


# Capitalised only because they open a sentence; never names.
_SENTENCE_STARTERS = frozenset(
    [
        "although",
        "however",
        "meanwhile",
        "moreover",
        "nevertheless",
        "still",
        "though",
        "thus",
        "yet",
        "despite",
        "during",
        "earlier",
        "later",
        "last",
        "next",
        "overall",
        "officials",
        "both",
        "several",
        "many",
        "most",
        "some",
        "while",
        "since",
        "instead",
        "separately",
        "similarly",
        "indeed",
    ]
)


def shingles(text: str, size: int = 3) -> set[tuple[str, ...]]:
    tokens = words(text)
    if len(tokens) < size:
        return {tuple(tokens)} if tokens else set()
    return {tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


def jaccard(a: set, b: set) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


# Six letters are enough to match inflections and demonyms ("negotiat-ions/-ors",
# "Russia/Russian", "Ukrain-e/-ian") without merging most unrelated words.
STEM_LENGTH = 6


def stem(word: str) -> str:
    return word[:STEM_LENGTH]


def terms(text: str) -> set[str]:
    """Stemmed content words and numbers: what a sentence says, for overlap measures."""
    return {stem(w) for w in content_words(text)} | numbers(text)


def anchors(text: str) -> set[str]:
    """Stemmed names and numbers: the specifics a sentence commits to."""
    return {stem(name) for name in names(text)} | numbers(text)
