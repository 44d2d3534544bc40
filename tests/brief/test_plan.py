import numpy as np
import pytest

from summarizer.brief.dedup import dedup
from summarizer.brief.pipeline import prepare
from summarizer.brief.plan import FUSED_LENGTH_RATIO as ratio
from summarizer.brief.plan import plan
from summarizer.brief.standalone import editorial_problems
from summarizer.brief.types import Group, Sentence


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


def _sentence(article: str, index: int, text: str) -> Sentence:
    return Sentence(article, index, 0, len(text), text, index / 10)


def _toy_story() -> tuple[list[Group], np.ndarray]:
    """Group 0: its most central member starts with "He"; group 1: every member leans on
    a sentence before it; group 2: one plain sentence."""
    rows = [
        (_sentence("a", 0, "He said the dam would hold through the spring floods."), [1.0, 0.0, 0.0, 0.0]),
        (_sentence("b", 0, "Mayor Jane Roe said the dam would hold through the floods."), [0.8, 0.6, 0.0, 0.0]),
        (_sentence("c", 0, "The city's dam will hold through the floods, Mayor Jane Roe said."), [0.8, -0.6, 0.0, 0.0]),
        (_sentence("a", 1, "She added that the levees were inspected in March."), [0.0, 0.0, 1.0, 0.0]),
        (_sentence("b", 1, "This was made at a time when the river was rising."), [0.0, 0.0, 0.9, 0.44]),
        (_sentence("c", 2, "Engineers checked the spillway gates on Monday."), [0.0, 0.0, 0.0, 1.0]),
    ]
    members = [s for s, _ in rows]
    groups = [
        Group(0, (0, 1, 2), tuple(members[0:3])),
        Group(1, (3, 4), tuple(members[3:5])),
        Group(2, (5,), (members[5],)),
    ]
    vectors = np.array([v for _, v in rows])
    return groups, vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_a_group_whose_best_member_starts_with_he_is_represented_by_one_that_stands_alone():
    groups, vectors = _toy_story()
    old = plan(groups, vectors, max_sentences=3, max_words=150)
    assert old.items[0].representative_row == 0  # without the check: the "He said ..." sentence
    new = plan(groups, vectors, max_sentences=3, max_words=150, problems=editorial_problems)
    first = next(i for i in new.items if i.group.id == 0)
    assert first.representative_row == 1
    assert first.representative_row in first.evidence_rows
    assert set(first.evidence_rows) == {0, 1, 2}  # the "He said" sentence is still evidence


def test_a_group_with_no_member_that_stands_alone_is_passed_over():
    groups, vectors = _toy_story()
    assert 1 in {i.group.id for i in plan(groups, vectors, max_sentences=3, max_words=150).items}
    chosen = plan(groups, vectors, max_sentences=3, max_words=150, problems=editorial_problems)
    assert {i.group.id for i in chosen.items} == {0, 2}


def test_problems_is_asked_only_about_members_of_groups_considered_most_central_first():
    groups, vectors = _toy_story()
    asked: list[str] = []

    def problems(text: str) -> tuple[str, ...]:
        asked.append(text)
        return ("pronoun",) if text.startswith("He ") else ()

    plan(groups, vectors, max_sentences=1, max_words=150, problems=problems)
    assert asked == [groups[0].members[0].text, groups[0].members[1].text]
