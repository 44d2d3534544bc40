"""A morning's articles: gathered from a request's articles and feeds (links fetched), then
grouped into stories (``group.group_stories``), every article accounted for: in a story, left on
its own, or refused with why. What ``summarizer stories`` and a ``"group": true`` job share."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from summarizer.brief.group import group_stories, outlet
from summarizer.brief.ingest import Limits
from summarizer.brief.pipeline import prepare
from summarizer.brief.render import fallback_label
from summarizer.errors import InputError, InputTooLargeError
from summarizer.models.embed import Embedder
from summarizer.service.feeds import read_feeds
from summarizer.service.links import Fetcher, fetch_links


@dataclass(frozen=True)
class GroupedArticles:
    """A morning's articles grouped into stories (``group.group_stories``), each story with its
    article ids, the raw articles its brief reads and a label to show until the brief gives one;
    the articles left on their own; and per article refused or set aside, its error object."""

    stories: tuple[tuple[str, ...], ...]
    briefed: tuple[tuple[dict[str, Any], ...], ...]
    labels: tuple[str, ...]
    unassigned: tuple[str, ...]
    refused: tuple[dict[str, Any], ...]

    def grouping(self) -> dict[str, Any]:
        """What a job keeps of it (``NewJob.grouping``)."""
        return {
            "stories": [
                {"article_ids": list(ids), "label": label} for ids, label in zip(self.stories, self.labels, strict=True)
            ],
            "unassigned": list(self.unassigned),
            "articles_refused": list(self.refused),
        }


@dataclass(frozen=True)
class Gathered:
    """A morning's articles from the request and from feeds, links fetched: ``origins[i]`` is the
    request field article ``i`` came from (``articles[2]``, ``feeds[0].entries[5]``); ``unavailable``
    the links that failed, by position; ``refused`` the feeds and entries that could not be read."""

    articles: tuple[Any, ...]
    origins: tuple[str, ...]
    unavailable: Mapping[int, InputError]
    refused: tuple[InputError, ...]
    skipped_old: int = 0


def gather(
    raw_articles: Sequence[Any],
    fetcher: Fetcher,
    *,
    feeds: Sequence[str] = (),
    since: datetime | None = None,
    allow_files: bool = False,
) -> Gathered:
    """The articles given and the entries of ``feeds`` (``feeds.read_feeds``), every link-only
    one fetched (``links.fetch_links``), errors named by where each article came from."""
    fed = read_feeds(feeds, fetcher, since=since, allow_files=allow_files) if feeds else None
    combined = [*raw_articles, *(fed.articles if fed else ())]
    origins = tuple(f"articles[{i}]" for i in range(len(raw_articles))) + (fed.origins if fed else ())
    linked = fetch_links(combined, fetcher)
    unavailable = {i: renamed(error, origins) for i, error in linked.unavailable.items()}
    return Gathered(linked.articles, origins, unavailable, fed.refused if fed else (), fed.skipped_old if fed else 0)


def renamed(error: InputError, origins: Sequence[str]) -> InputError:
    """``error`` about ``articles[i]`` renamed to where article ``i`` came from (a feed entry)."""
    head, bracket, rest = error.field.partition("]")
    if not head.startswith("articles[") or not head[len("articles[") :].isdigit():
        return error
    origin = origins[int(head[len("articles[") :])]
    if origin == head + bracket:
        return error
    return InputError(str(error).replace(head + bracket, origin, 1), field=origin + rest, code=error.code)


def group_articles(
    raw_articles: Sequence[Mapping[str, Any]],
    embedder: Embedder,
    *,
    max_articles: int,
    min_size: int,
    unavailable: Mapping[int, InputError] | None = None,
    origins: Sequence[str] | None = None,
    refused_before: Sequence[InputError] = (),
) -> GroupedArticles:
    """Group ``raw_articles`` into stories of at least ``min_size`` articles. An article that
    cannot be read (or fetched: ``unavailable``), or that clean leaves empty, is refused (listed)
    rather than sinking the rest; ``refused_before`` (feeds that could not be read) heads that
    list, and errors are named by ``origins`` when given (``Gathered``).
    A story's brief reads at most a brief's article limit of its articles, one per outlet first.
    ``InputError`` when more than ``max_articles`` are given, none is usable, or no story is found."""
    if len(raw_articles) > max_articles:
        raise InputTooLargeError(
            f"{len(raw_articles)} articles given to group; the limit is {max_articles} "
            "(SUMMARIZER_MAX_GROUP_ARTICLES). Send them in several jobs.",
            field="articles",
        )
    # every article named before ingest, so that a story's articles can be sent on as they came
    raw = [
        {**r, "id": f"article-{i + 1}"} if isinstance(r, Mapping) and r.get("id") in (None, "") else r
        for i, r in enumerate(raw_articles)
    ]
    refused: list[dict[str, Any]] = []
    limits = Limits(max_articles=max_articles, max_total_chars=max_articles * Limits.max_chars_per_article)

    def refuse(error: InputError) -> None:
        error = renamed(error, origins) if origins else error
        refused.append({"code": error.code, "message": str(error), "field": error.field})

    for error in refused_before:
        refuse(error)

    prepared = prepare(raw, limits, require_usable=False, refuse=refuse, unavailable=unavailable)
    # where each article was in the request (the first of an id: a repeated one was refused)
    position: dict[str, int] = {}
    for i, r in enumerate(raw):
        if isinstance(r, Mapping):
            position.setdefault(str(r["id"]).strip(), i)
    for warning in prepared.cleaned.warnings:
        at = position.get(warning.article_id or "")
        field = "articles" if at is None else origins[at] if origins else f"articles[{at}]"
        refused.append({"code": warning.code, "message": warning.message, "field": field})
    set_aside = {w.article_id for w in prepared.cleaned.warnings}
    usable = [a for a in prepared.articles if a.id not in set_aside]
    if not usable:
        raise InputError(
            f"none of the {len(raw)} articles can be read as news text; the first problem: {refused[0]['message']}",
            field=refused[0]["field"],
        )
    grouping = group_stories(usable, prepared.cleaned.kept, embedder, min_size=min_size)
    if not grouping.stories:
        raise InputError(
            f"the {len(usable)} usable articles tell no story carried by {min_size} or more of them: each was left "
            "on its own. Brief them one by one (POST /v1/briefs) or send more articles of the same stories.",
            field="articles",
            code="no_story",
        )
    by_id = {a.id: a for a in usable}
    raw_by_id: dict[str, Mapping[str, Any]] = {}
    for r in raw:
        if isinstance(r, Mapping):
            raw_by_id.setdefault(str(r["id"]).strip(), r)
    briefed = []
    for ids in grouping.stories:
        # one article per outlet first, so that a large story's brief hears every outlet
        firsts = list({outlet(by_id[i]): i for i in reversed(ids)}.values())
        chosen = set((sorted(firsts, key=ids.index) + list(ids))[: Limits.max_articles])
        briefed.append(tuple({**raw_by_id[i], "id": i} for i in ids if i in chosen))
    return GroupedArticles(
        grouping.stories,
        tuple(briefed),
        tuple(fallback_label(by_id[ids[0]]) for ids in grouping.stories),
        grouping.unassigned,
        tuple(refused),
    )
