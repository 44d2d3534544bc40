"""Read article files for the CLI: ``.txt``, ``.json``, ``.html``/``.htm`` or a directory of them.

``.txt``: the file is the article; its first line is the title when a blank line
follows it. ``.json``: one article object or a list of them (fields as in ``ingest``).
``.html``/``.htm``: a whole saved web page, ``{"id": <file stem>, "html": <content>}``; ingest
finds its article body, title and date. Files must be UTF-8, or for pages in the charset their
``<meta>`` tag declares; every problem raises ``InputError`` naming the file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from summarizer.errors import InputError

SUFFIXES = (".txt", ".json", ".html", ".htm")
PAGE_SUFFIXES = (".html", ".htm")


def read_articles(paths: Sequence[str | Path]) -> list[dict[str, Any]]:
    """Raw article mappings from files and directories, in the order given (directories sorted)."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES and p.is_file())
            if not found:
                raise InputError(f"{path} holds no .txt or .json article files, nor .html pages.", field=str(path))
            files.extend(found)
        elif path.is_file():
            if path.suffix.lower() not in SUFFIXES:
                raise InputError(
                    f"{path}: unsupported file type; give .txt, .json or .html/.htm files or a directory.",
                    field=str(path),
                )
            files.append(path)
        else:
            raise InputError(f"{path} does not exist.", field=str(path))
    articles: list[dict[str, Any]] = []
    for path in files:
        articles.extend(_read_file(path))
    return articles


def _read_file(path: Path) -> list[dict[str, Any]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        declared = _declared_charset(data) if path.suffix.lower() in PAGE_SUFFIXES else None
        if declared is not None:
            return [{"id": path.stem, "html": declared}]
        raise InputError(
            f"{path} is not UTF-8 text (invalid byte at offset {error.start}); "
            "convert it, e.g. `iconv -f latin1 -t utf-8`.",
            field=str(path),
        ) from None
    if not text.strip():
        raise InputError(f"{path} is empty.", field=str(path), code="empty")
    if path.suffix.lower() == ".txt":
        return [_from_text(text, path.stem)]
    if path.suffix.lower() in PAGE_SUFFIXES:
        return [{"id": path.stem, "html": text}]
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"{path} is not valid JSON: {error.msg} at line {error.lineno}.", field=str(path)) from None
    items = value if isinstance(value, list) else [value]
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise InputError(f"{path}: item {i} is not an article object.", field=str(path))
        item = dict(item)
        item.setdefault("id", path.stem if len(items) == 1 else f"{path.stem}-{i + 1}")
        out.append(item)
    return out


def _from_text(text: str, stem: str) -> dict[str, Any]:
    lines = text.lstrip("\ufeff").split("\n")
    if len(lines) > 2 and lines[0].strip() and not lines[1].strip():
        return {"id": stem, "title": lines[0].strip(), "text": "\n".join(lines[2:])}
    return {"id": stem, "text": text}


# <meta charset="..."> or <meta http-equiv="Content-Type" content="text/html; charset=...">
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)


def _declared_charset(data: bytes) -> str | None:
    """A page that is not UTF-8, decoded with the charset its first 4 KiB declare; None when it
    declares none, an unknown one, or one its bytes do not fit."""
    found = _META_CHARSET.search(data[:4096])
    if found is None:
        return None
    try:
        text = data.decode(found.group(1).decode("ascii"))
    except (LookupError, UnicodeDecodeError):
        return None
    return text if text.strip() else None
