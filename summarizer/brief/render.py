"""Stage 9, render: a ``Brief`` as JSON (a dict), Markdown with footnotes, or an HTML snippet;
the results of a claim check (``summarizer check``, ``POST /v1/check``) as JSON or text; and the
articles as the pipeline reads them (``summarizer extract``) as JSON or text.

All text that came from articles is escaped in HTML; Markdown footnotes quote the cited
sentence and link the article.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from summarizer.brief.types import Article, Brief, BriefSentence, Citation

if TYPE_CHECKING:  # check.py and pipeline.py pull in the models' code; rendering needs only the records' fields
    from summarizer.brief.check import ClaimCheck
    from summarizer.brief.pipeline import Prepared

Format = Literal["json", "markdown", "html"]
FORMATS: tuple[Format, ...] = ("json", "markdown", "html")


def to_dict(brief: Brief) -> dict[str, Any]:
    """The JSON document (the CLI's ``--format json`` and the HTTP API's body)."""
    return {
        "headline": sentence_dict(brief.headline) if brief.headline else None,
        "sentences": [sentence_dict(s) for s in brief.sentences],
        # articles left out (and why): the brief is of the others
        "warnings": [
            {"code": w.code, "message": w.message, "article_id": w.article_id, "field": w.field} for w in brief.warnings
        ],
        "dedup": {
            "groups": [
                {
                    "id": g.id,
                    "method": g.method,
                    "members": [
                        {"article_id": m.article_id, "sentence_index": m.index, "text": m.text} for m in g.members
                    ],
                    "links": [
                        {
                            "a": {"article_id": link.a[0], "sentence_index": link.a[1]},
                            "b": {"article_id": link.b[0], "sentence_index": link.b[1]},
                            "method": link.method,
                            "score": link.score,
                        }
                        for link in g.links
                    ],
                }
                for g in brief.groups
                if len(g.members) > 1
            ],
            "dropped": [
                {
                    "article_id": d.sentence.article_id,
                    "sentence_index": d.sentence.index,
                    "text": d.sentence.text,
                    "reason": d.reason,
                }
                for d in brief.dropped
            ],
        },
        "sources": [_article(a) for a in brief.articles],
        "model": brief.model,
        "embedder": brief.embedder,
        "timings": {stage: round(ms, 1) for stage, ms in brief.timings_ms.items()},
        "usage": dict(brief.usage),
    }


def sentence_dict(sentence: BriefSentence) -> dict[str, Any]:
    """One brief sentence as in ``to_dict``'s ``sentences`` (also a streamed sentence event)."""
    return {
        "text": sentence.text,
        "citations": [_citation(c) for c in sentence.citations],
        "extractive": sentence.extractive,
        "method": sentence.method,
        "drawn_from": [{"article_id": a, "sentence_index": i} for a, i in sentence.drawn_from],
    }


def sentence_event(number: int, sentence: dict[str, Any]) -> dict[str, Any]:
    """A streamed ``sentence`` event: the ``number``-th sentence of the brief, final as sent."""
    return {"event": "sentence", "number": number, "sentence": sentence}


def brief_event(renderings: dict[str, Any], fmt: Format) -> dict[str, Any]:
    """The closing ``brief`` event of a stream: the JSON document, or the Markdown/HTML text."""
    if fmt == "json":
        return {"event": "brief", "format": fmt, "brief": renderings["json"]}
    return {"event": "brief", "format": fmt, "text": renderings[fmt]}


def renderings(brief: Brief) -> dict[str, Any]:
    """Every format at once (what the service caches)."""
    return {"json": to_dict(brief), "markdown": to_markdown(brief), "html": to_html(brief)}


def check_dict(results: Sequence[ClaimCheck]) -> dict[str, Any]:
    """The JSON document of a claim check (``summarizer check --format json``, ``POST /v1/check``):
    per claim its verdict, its weakest sentence's score and each sentence with its citations (as in
    the brief's JSON) and, when not supported, its problems."""
    return {
        "results": [
            {
                "claim": result.claim,
                "supported": result.supported,
                "score": float(result.score),
                "sentences": [
                    {
                        "text": s.text,
                        "supported": s.supported,
                        "citations": [_citation(c) for c in s.citations],
                        "problems": list(s.problems),
                    }
                    for s in result.sentences
                ],
            }
            for result in results
        ]
    }


def check_text(results: Sequence[ClaimCheck]) -> str:
    """A claim check for a person: one block per claim, its verdict, then per sentence its
    problems and its citations (``article-id #sentence-index: text``, the index as in the JSON)."""
    blocks = []
    for number, result in enumerate(results, 1):
        verdict = "SUPPORTED" if result.supported else "NOT SUPPORTED"
        lines = [f"{number}. {verdict} (score {result.score:.2f}): {result.claim}"]
        several = len(result.sentences) > 1
        for s in result.sentences:
            indent = "   "
            if several:
                lines.append(f"{indent}{'supported' if s.supported else 'not supported'}: {s.text}")
                indent += "  "
            lines.extend(f"{indent}problem: {problem}" for problem in s.problems)
            lines.extend(f"{indent}cites {c.article_id} #{c.sentence_index}: {c.text}" for c in s.citations)
            if not s.citations:
                lines.append(f"{indent}cites nothing: no source sentence is close enough")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def extract_dict(prepared: Prepared) -> dict[str, Any]:
    """``summarizer extract --format json``: each article as the pipeline reads it, the sentences
    clean set aside (with their reason and span) and the warnings about it."""
    return {
        "articles": [
            {
                **_article(a),
                "set_aside": [
                    {
                        "sentence_index": d.sentence.index,
                        "start": d.sentence.start,
                        "end": d.sentence.end,
                        "text": d.sentence.text,
                        "reason": d.reason,
                    }
                    for d in prepared.cleaned.dropped
                    if d.sentence.article_id == a.id
                ],
                "warnings": [w.message for w in prepared.warnings if w.article_id == a.id],
            }
            for a in prepared.articles
        ]
    }


def extract_text(prepared: Prepared) -> str:
    """``summarizer extract``: one block per article, its fields, text, set-aside sentences, warnings."""
    blocks = []
    for a in extract_dict(prepared)["articles"]:
        lines = [f"== {a['id']} =="]
        lines += [f"{key}: {a[key]}" for key in ("title", "url", "source", "published") if a[key] is not None]
        lines += ["", a["text"] or "(no text)", ""]
        lines.append(f"set aside: {len(a['set_aside'])} sentence(s)")
        lines += [f"  #{d['sentence_index']} [{d['reason']}] {d['text']}" for d in a["set_aside"]]
        lines += [f"warning: {w}" for w in a["warnings"]]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def _article(a: Article) -> dict[str, Any]:
    """An article's fields and its text as the pipeline saw it (HTML stripped or the page's article
    extracted, whitespace folded): citation spans index that text."""
    return {"id": a.id, "title": a.title, "url": a.url, "source": a.source, "published": a.published, "text": a.text}


def _citation(c: Citation) -> dict[str, Any]:
    return {
        "article_id": c.article_id,
        "sentence_index": c.sentence_index,
        "start": c.start,
        "end": c.end,
        "text": c.text,
        "score": c.score,
    }


def _footnotes(brief: Brief) -> tuple[list[list[int]], list[Citation]]:
    """Footnote numbers per sentence (the headline's first when there is one); one number per
    distinct cited source sentence."""
    numbering: dict[tuple[str, int], int] = {}
    notes: list[Citation] = []
    per_sentence = []
    for sentence in ([brief.headline] if brief.headline else []) + list(brief.sentences):
        marks = []
        for c in sentence.citations:
            key = (c.article_id, c.sentence_index)
            if key not in numbering:
                notes.append(c)
                numbering[key] = len(notes)
            marks.append(numbering[key])
        per_sentence.append(marks)
    return per_sentence, notes


def to_markdown(brief: Brief) -> str:
    articles = {a.id: a for a in brief.articles}
    marks, notes = _footnotes(brief)
    out = ""
    if brief.headline:
        out = f"## {_md_escape(brief.headline.text)}" + "".join(f"[^{n}]" for n in marks.pop(0)) + "\n\n"
    lines = []
    for sentence, numbers in zip(brief.sentences, marks, strict=True):
        # escaped like every source text: a sentence quoting "[^1]" or "<img>" must not become markup
        lines.append(_md_escape(sentence.text) + "".join(f"[^{n}]" for n in numbers))
    out += " ".join(lines) + "\n\n"
    for n, c in enumerate(notes, 1):
        article = articles[c.article_id]
        label = _md_escape(_label(article))
        name = f"[{label}]({article.url})" if article.url else f"*{label}*"
        source = f", {_md_escape(article.source)}" if article.source and article.title else ""
        out += f"[^{n}]: {_quoted(_md_escape(c.text))} — {name}{source}, sentence {c.sentence_index + 1}\n"
    return out


def _label(article: Article) -> str:
    """How a citation names its article: its title, else its outlet, else its id."""
    return article.title or article.source or article.id


# A cited sentence that opens with a quote mark ("“We will appeal,” she said.") gets no second
# pair: ““We will appeal,” she said.” read as a typo to editors. One whose opening mark is never
# closed (sources cut quotes across sentences) is closed, so the footnote's quote ends.
_QUOTE_MARKS = '"“”„«»'
_CLOSING = {"“": "”", "„": "“", "«": "»", '"': '"'}


def _quoted(text: str) -> str:
    opening = text[:1]
    if opening not in _QUOTE_MARKS:
        return f"“{text}”"
    closing = _CLOSING.get(opening)
    if closing and (text.count('"') % 2 if opening == '"' else closing not in text[1:]):
        return text + closing
    return text


def _md_escape(text: str) -> str:
    for char in "\\`*_[]<>|":
        text = text.replace(char, "\\" + char)
    return " ".join(text.split())


def to_html(brief: Brief) -> str:
    """A self-contained snippet: no scripts, no external assets, every source text escaped."""
    articles = {a.id: a for a in brief.articles}
    marks, notes = _footnotes(brief)
    esc = html.escape
    parts = ['<div class="summarizer-brief">']
    if brief.headline:
        refs = "".join(f'<sup><a href="#summarizer-cite-{n}">[{n}]</a></sup>' for n in marks.pop(0))
        parts.append(f"<h2>{esc(brief.headline.text)}{refs}</h2>")
    parts.append("<p>")
    for sentence, numbers in zip(brief.sentences, marks, strict=True):
        cls = ' class="extractive" title="quoted from a source"' if sentence.extractive else ""
        refs = "".join(f'<sup><a href="#summarizer-cite-{n}">[{n}]</a></sup>' for n in numbers)
        parts.append(f"<span{cls}>{esc(sentence.text)}</span>{refs} ")
    parts.append("</p>")
    parts.append('<ol class="summarizer-citations">')
    for n, c in enumerate(notes, 1):
        article = articles[c.article_id]
        title = esc(_label(article))
        link = f'<a href="{esc(article.url, quote=True)}" rel="noopener">{title}</a>' if article.url else title
        source = f", {esc(article.source)}" if article.source and article.title else ""
        # <q> adds quotation marks of its own: a sentence that opens with one is shown as it is
        quote = f"<span>{esc(_quoted(c.text))}</span>" if c.text[:1] in _QUOTE_MARKS else f"<q>{esc(c.text)}</q>"
        parts.append(f'<li id="summarizer-cite-{n}">{quote} — {link}{source}</li>')
    parts.append("</ol></div>")
    return "\n".join(parts) + "\n"


def render(brief: Brief, fmt: Format) -> str:
    """The brief as text in ``fmt`` (JSON pretty-printed)."""
    import json

    if fmt == "json":
        return json.dumps(to_dict(brief), ensure_ascii=False, indent=2) + "\n"
    if fmt == "markdown":
        return to_markdown(brief)
    if fmt == "html":
        return to_html(brief)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def fallback_label(article: Article) -> str:
    """A story's label before (or without) a brief: its first article's title, else its first line."""
    line = article.text.strip().split("\n", 1)[0]
    return article.title or (line if len(line) <= 120 else line[:120].rsplit(" ", 1)[0] + "…")


def story_label(brief: Mapping[str, Any] | None, fallback: str) -> str:
    """A story's label: its brief's (``to_dict``) headline, else its first sentence, else ``fallback``."""
    if brief is not None and (brief.get("headline") or brief.get("sentences")):
        return (brief.get("headline") or brief["sentences"][0])["text"]
    return fallback


def stories_dict(
    stories: Sequence[tuple[str, Sequence[str], Brief | None]],
    unassigned: Sequence[str],
    refused: Sequence[Mapping[str, Any]] = (),
) -> dict:
    """``summarizer stories --format json``: each story's label, article ids and brief (or null),
    the articles left on their own, and those refused or set aside with why (``code``,
    ``message``, ``field``), so that every article given is accounted for."""
    return {
        "stories": [
            {"label": label, "article_ids": list(ids), "brief": to_dict(brief) if brief else None}
            for label, ids, brief in stories
        ],
        "unassigned": list(unassigned),
        "articles_refused": [dict(problem) for problem in refused],
    }


def stories_text(
    stories: Sequence[tuple[str, Sequence[str], Brief | None]],
    unassigned: Sequence[str],
    fmt: Format,
    refused: Sequence[Mapping[str, Any]] = (),
) -> str:
    """The stories one after another in Markdown or HTML, each under its label and article ids,
    then the articles left on their own and those refused with why."""
    parts = []
    for number, (label, ids, brief) in enumerate(stories, 1):
        if fmt == "markdown":
            heading = f"# Story {number}: {_md_escape(label)}\n\nArticles: {', '.join(ids)}\n\n"
            parts.append(heading + (to_markdown(brief) if brief else ""))
        else:
            heading = f"<h1>Story {number}: {html.escape(label)}</h1>\n<p>Articles: {html.escape(', '.join(ids))}</p>\n"
            parts.append(heading + (to_html(brief) if brief else ""))
    if unassigned:
        left = ", ".join(unassigned)
        parts.append(
            f"Left on their own: {left}\n" if fmt == "markdown" else f"<p>Left on their own: {html.escape(left)}</p>\n"
        )
    for problem in refused:
        line = f"Left out: {problem['field']}: {problem['message']}"
        parts.append(f"{_md_escape(line)}\n" if fmt == "markdown" else f"<p>{html.escape(line)}</p>\n")
    return "\n".join(parts)
