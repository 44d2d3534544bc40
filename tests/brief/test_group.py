"""Grouping articles into stories: real MiniLM vectors, real clustering."""

from __future__ import annotations

from pathlib import Path

from stories import COUNCIL, COUNCIL_AGAIN, COUNCIL_THIRD

from summarizer.brief.group import cluster, group_stories, outlet
from summarizer.brief.pipeline import prepare


def _grouped(raw, embedder, **options):
    prepared = prepare(raw)
    return group_stories(prepared.articles, prepared.cleaned.kept, embedder, **options)


def test_articles_of_two_stories_are_grouped_apart_and_a_lone_article_left_unassigned(seeds, embedder):
    page = {"id": "bridge", "html": (Path(__file__).parents[1] / "data" / "page_bridge.html").read_text()}
    grouping = _grouped([COUNCIL, *seeds, page, COUNCIL_AGAIN], embedder)
    assert set(map(frozenset, grouping.stories)) == {
        frozenset(a["id"] for a in seeds),
        frozenset({"council", "council-2"}),
    }
    assert grouping.unassigned == ("bridge",)
    # the same articles, the same grouping
    assert _grouped([COUNCIL, *seeds, page, COUNCIL_AGAIN], embedder) == grouping


def test_min_size_one_makes_every_article_a_story(seeds, embedder):
    grouping = _grouped([COUNCIL, *seeds], embedder, min_size=1)
    assert grouping.unassigned == ()
    assert grouping.stories[0] == tuple(a["id"] for a in seeds)  # the largest story first
    assert grouping.stories[1] == ("council",)


def test_one_article_is_one_story():
    import numpy as np

    assert cluster(np.ones((1, 1))) == [0]


def test_the_story_carried_by_most_outlets_comes_first(seeds, embedder):
    # three council reports from one outlet against the seeds' two articles (two outlets: ids)
    same_outlet = [{**a, "source": "Gazette"} for a in (COUNCIL, COUNCIL_AGAIN, COUNCIL_THIRD)]
    grouping = _grouped([*same_outlet, *seeds], embedder)
    assert grouping.stories == (tuple(a["id"] for a in seeds), ("council", "council-2", "council-3"))
    # three outlets now: the council story leads
    outlets = [{**a, "source": name} for a, name in zip(same_outlet, ("Gazette", "Herald", "Courier"), strict=True)]
    assert _grouped([*seeds, *outlets], embedder).stories[0] == ("council", "council-2", "council-3")


def test_an_outlet_is_the_source_else_the_url_host_else_the_article():
    from summarizer.brief.types import Article

    assert outlet(Article("a", None, "t", url="https://www.bbc.co.uk/x", source="BBC News")) == "bbc news"
    assert outlet(Article("a", None, "t", url="https://www.bbc.co.uk/x")) == "bbc.co.uk"
    assert outlet(Article("a", None, "t")) == "id:a"
