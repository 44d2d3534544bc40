"""Grouping a morning's articles into stories (issue 14's first stage).

Each article is one vector: the mean of the sentence embeddings of its title and opening
sentences (the inverted pyramid puts the story there; later sentences drift to background
shared by neighbouring stories), normalised. Articles are clustered by scikit-learn's
agglomerative clustering, average linkage on cosine distance, cut at ``DISTANCE_THRESHOLD``
(no number of stories is assumed). Deterministic: the same articles give the same grouping.
The threshold and the choice over HDBSCAN were measured on mixtures of the dev clusters
(``bench/grouping.py``, docs/benchmarks.md#grouping-articles-into-stories).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.cluster import AgglomerativeClustering

from summarizer.embed import Embedder
from summarizer.types import Article, Sentence

# Opening sentences per article that stand for it (title included when there is one).
OPENING_SENTENCES = 3
# Cosine distance at which two groups are no longer one story (average linkage); chosen on the
# dev mixtures as the largest cut that never put two true stories in one group (bench/grouping.py).
DISTANCE_THRESHOLD = 0.6

# The looser cut at which a single brief request is warned that it mixes stories. Measured on the
# 31 dev clusters each sent alone (2 warned falsely: long WikiNews clusters) and 200 random pairs
# of clusters sent together (178 told apart); 0.6 would warn 9 of the 31 (bench/grouping.py).
MIXED_THRESHOLD = 0.8


@dataclass(frozen=True)
class Grouping:
    """Stories as tuples of article ids (largest first, then by first appearance), and the
    articles left on their own (stories smaller than ``min_size``)."""

    stories: tuple[tuple[str, ...], ...]
    unassigned: tuple[str, ...]


def article_vectors(
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
    embedded = np.asarray(embedder.embed(texts), dtype=np.float64)
    vectors = np.zeros((len(articles), embedded.shape[1]))
    np.add.at(vectors, owners, embedded)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


def cluster(vectors: np.ndarray, threshold: float = DISTANCE_THRESHOLD) -> list[int]:
    """A story label per row (agglomerative, average linkage, cosine distance cut at ``threshold``)."""
    if len(vectors) < 2:
        return [0] * len(vectors)
    model = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average", distance_threshold=threshold)
    return [int(label) for label in model.fit_predict(vectors)]


def group_stories(
    articles: Sequence[Article],
    sentences: Sequence[Sentence],
    embedder: Embedder,
    *,
    min_size: int = 2,
    threshold: float = DISTANCE_THRESHOLD,
) -> Grouping:
    """The articles grouped into stories of at least ``min_size`` articles, and the rest."""
    labels = cluster(article_vectors(articles, sentences, embedder), threshold)
    members: dict[int, list[str]] = {}
    for article, label in zip(articles, labels, strict=True):
        members.setdefault(label, []).append(article.id)
    ordered = sorted(members.values(), key=lambda ids: -len(ids))  # stable: first appearance breaks ties
    stories = tuple(tuple(ids) for ids in ordered if len(ids) >= min_size)
    unassigned = tuple(i for ids in ordered if len(ids) < min_size for i in ids)
    return Grouping(stories, unassigned)
