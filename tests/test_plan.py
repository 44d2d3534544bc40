import numpy as np
import pytest

from summarizer.dedup import dedup
from summarizer.pipeline import prepare
from summarizer.plan import FUSED_LENGTH_RATIO as ratio
from summarizer.plan import plan


@pytest.fixture(scope="module")
def seeds_groups(seeds, embedder):
    kept = prepare(seeds).cleaned.kept
    vectors = embedder.embed([s.text for s in kept])
    return kept, vectors, dedup(kept, vectors)


@pytest.mark.parametrize(("max_sentences", "max_words"), [(1, 150), (3, 150), (8, 60), (20, 600)])
def test_budget_is_respected(seeds_groups, max_sentences, max_words):
    kept, vectors, groups = seeds_groups
    result = plan(groups, vectors, max_sentences=max_sentences, max_words=max_words)
    assert 1 <= len(result.items) <= max_sentences
    estimated = sum(
        round(min(sorted(len(s.text.split()) for s in i.group.members)[len(i.group.members) // 2], 35) * ratio)
        for i in result.items
    )
    assert estimated <= max_words


def test_plan_prefers_facts_told_by_both_outlets_and_keeps_story_order(seeds_groups):
    kept, vectors, groups = seeds_groups
    result = plan(groups, vectors, max_sentences=5, max_words=150)
    assert sum(len(i.group.article_ids) == 2 for i in result.items) >= 2
    starts = [min(s.position for s in i.group.members) for i in result.items]
    assert starts == sorted(starts)
    for item in result.items:
        assert set(item.evidence_rows) <= set(item.group.rows)
        assert item.representative_row in item.evidence_rows


def test_no_two_planned_groups_repeat_each_other(seeds_groups):
    kept, vectors, groups = seeds_groups
    result = plan(groups, vectors, max_sentences=10, max_words=600)
    centroids = [vectors[list(i.group.rows)].mean(0) for i in result.items]
    centroids = [c / np.linalg.norm(c) for c in centroids]
    for a in range(len(centroids)):
        for b in range(a + 1, len(centroids)):
            assert float(centroids[a] @ centroids[b]) < 0.75


def test_empty_input_gives_an_empty_plan():
    assert plan((), np.zeros((0, 384)), max_sentences=3, max_words=100).items == ()
