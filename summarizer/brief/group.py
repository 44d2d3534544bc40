"""Grouping a morning's articles into stories.

Two articles tell the same story when they open alike and share its particular words. The
similarity of two articles is the mean of two cosines (each in [0, 1] for these vectors):

- **semantic**: MiniLM embeddings of the title and opening sentences, averaged and normalised
  (the inverted pyramid puts the story there; later sentences drift to background shared by
  neighbouring stories);
- **lexical**: TF-IDF vectors of the whole kept text (scikit-learn; sublinear term frequency,
  English stop words), the IDF taken from the articles grouped together, so the names and words
  only one story's articles use weigh most: the vector-space model of the TDT story-detection
  work (Allan et al. 1998, "On-line new event detection and tracking").

Articles are clustered by scikit-learn's agglomerative clustering, average linkage on
1 − similarity, cut at ``DISTANCE_THRESHOLD`` (no number of stories is assumed). Deterministic: the
same articles give the same grouping. The blend, the cut and the choice over HDBSCAN and either
signal alone were measured on mixtures of the dev clusters and of Multi-News test stories
(``bench/grouping.py``, docs/benchmarks.md#grouping-articles-into-stories).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlparse

import numpy as np
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer

from summarizer.brief.types import Article, Sentence
from summarizer.models.embed import Embedder

# Opening sentences per article that stand for it in the semantic vector (title included when there is one).
OPENING_SENTENCES = 3
# Weight of the semantic cosine; the lexical one gets the rest (bench/grouping.py: the blend beat
# either signal alone on the dev mixtures).
SEMANTIC_WEIGHT = 0.5
# Distance (1 − similarity) at which two groups are no longer one story (average linkage): the
# largest cut that drew no story from two true ones on any of 11 mixtures of the dev clusters and
# 53 Multi-News test stories (225 articles; chosen on all of them, so no held-out set remains).
# 0.7 and 0.75 group better (ARI) but merged same-topic stories (two Supreme Court stories of
# different years), and a brief that stitches two events is worse than two briefs of one.
DISTANCE_THRESHOLD = 0.65

# The looser cut at which a single brief request is warned that it mixes stories: measured on the
# dev clusters each sent alone (a warning is false) and 200 random pairs sent together (bench/grouping.py).
MIXED_THRESHOLD = 0.85


@dataclass(frozen=True)
class Grouping:
    """Stories as tuples of article ids, the story carried by most outlets first (then the one
    with most articles, then first appearance), and the articles left on their own (stories
    smaller than ``min_size``)."""

    stories: tuple[tuple[str, ...], ...]
    unassigned: tuple[str, ...]


def opening_vectors(
    articles: Sequence[Article], sentences: Sequence[Sentence], embedder: Embedder, opening: int = OPENING_SENTENCES
) -> np.ndarray:
    """One normalised vector per article: the mean embedding of its title and first sentences."""
    texts: list[str] = []
    owners: list[int] = []
    for index, article in enumerate(articles):
        own = [s.text for s in sentences if s.article_id == article.id][:opening]
        for text in ([article.title] if article.title else []) + own:
            texts.append(text)
            owners.append(index)
    if not texts:
        return np.zeros((len(articles), 1))
    embedded = np.asarray(embedder.embed(texts), dtype=np.float64)
    vectors = np.zeros((len(articles), embedded.shape[1]))
    np.add.at(vectors, owners, embedded)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


def lexical_similarity(articles: Sequence[Article], sentences: Sequence[Sentence]) -> np.ndarray:
    """The articles' pairwise TF-IDF cosine (title and kept sentences; IDF from these articles), n × n.
    The TF-IDF matrix stays sparse: dense, 300 articles' vocabulary alone would be ~70 MB."""
    texts = {a.id: [a.title] if a.title else [] for a in articles}
    for sentence in sentences:
        if sentence.article_id in texts:
            texts[sentence.article_id].append(sentence.text)
    documents = [" ".join(texts[a.id]) for a in articles]
    try:
        # rows come L2-normalised (TfidfVectorizer's default), so the product is the cosine
        matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(documents)
    except ValueError:  # no word left in any article (all stop words or empty): nothing lexical to share
        return np.zeros((len(articles), len(articles)))
    return (matrix @ matrix.T).toarray()


def similarities(articles: Sequence[Article], sentences: Sequence[Sentence], embedder: Embedder) -> np.ndarray:
    """The articles' pairwise story similarity (see the module's docstring), an n × n matrix."""
    semantic = opening_vectors(articles, sentences, embedder)
    lexical = lexical_similarity(articles, sentences)
    return SEMANTIC_WEIGHT * (semantic @ semantic.T) + (1 - SEMANTIC_WEIGHT) * lexical


def cluster(similarity: np.ndarray, threshold: float = DISTANCE_THRESHOLD) -> list[int]:
    """A story label per row of an n × n similarity matrix (agglomerative, average linkage on
    1 − similarity, cut at ``threshold``)."""
    if len(similarity) < 2:
        return [0] * len(similarity)
    distance = np.clip(1 - similarity, 0, 2)
    model = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=threshold
    )
    return [int(label) for label in model.fit_predict(distance)]


def outlet(article: Article) -> str:
    """Who published the article: its ``source``, else its URL's host, else (unknown) the article itself."""
    if article.source:
        return article.source.casefold()
    if article.url:
        host = urlparse(article.url).hostname or ""
        return host.removeprefix("www.")
    return f"id:{article.id}"


def group_stories(
    articles: Sequence[Article],
    sentences: Sequence[Sentence],
    embedder: Embedder,
    *,
    min_size: int = 2,
    threshold: float = DISTANCE_THRESHOLD,
) -> Grouping:
    """The articles grouped into stories of at least ``min_size`` articles, and the rest."""
    labels = cluster(similarities(articles, sentences, embedder), threshold)
    members: dict[int, list[Article]] = {}
    for article, label in zip(articles, labels, strict=True):
        members.setdefault(label, []).append(article)
    # stable: first appearance breaks ties
    ordered = sorted(members.values(), key=lambda story: (-len({outlet(a) for a in story}), -len(story)))
    stories = tuple(tuple(a.id for a in story) for story in ordered if len(story) >= min_size)
    unassigned = tuple(a.id for story in ordered if len(story) < min_size for a in story)
    return Grouping(stories, unassigned)
