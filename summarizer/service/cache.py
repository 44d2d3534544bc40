"""A persistent result cache for briefs: SQLite at ``$SUMMARIZER_HOME/cache.sqlite``.

Keyed by a content hash of the articles, the options, the model and the package version,
so a brief computed once is served again without touching the models, also after a
restart. The cache is an optimisation and never a failure: a corrupt, locked or
unwritable file is logged and the service works uncached.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from summarizer import __version__

log = logging.getLogger("summarizer.service.cache")


def cache_key(articles: Sequence[Mapping[str, Any]], options: Mapping[str, Any], model: str) -> str:
    """sha256 of the request's content in a canonical JSON form (key order does not matter)."""
    canonical = json.dumps(
        {"articles": list(articles), "options": dict(options), "model": model, "version": __version__},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class BriefCache:
    """``get``/``put`` JSON-serialisable values by key. Thread-safe; errors disable, never raise."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._broken = False

    @property
    def enabled(self) -> bool:
        return not self._broken

    def get(self, key: str) -> dict[str, Any] | None:
        row = self._run("SELECT value FROM briefs WHERE key = ?", (key,), fetch=True)
        if not row:
            return None
        try:
            return json.loads(row[0])
        except ValueError:
            log.warning("cache entry %s is unreadable; recomputing", key[:12])
            return None

    def put(self, key: str, value: dict[str, Any]) -> None:
        self._run(
            "INSERT OR REPLACE INTO briefs (key, value) VALUES (?, ?)", (key, json.dumps(value, ensure_ascii=False))
        )

    def _run(self, sql: str, parameters: tuple, fetch: bool = False) -> Any:
        with self._lock:
            if self._broken:
                return None
            try:
                connection = self._connect()
                cursor = connection.execute(sql, parameters)
                result = cursor.fetchone() if fetch else None
                connection.commit()
                return result
            except sqlite3.OperationalError as error:
                # "database is locked" and friends: skip this operation, try again next time
                log.warning("cache %s unavailable (%s); continuing uncached for this request", self.path, error)
                return None
            except (sqlite3.DatabaseError, OSError) as error:
                log.error("cache %s is broken (%s); working uncached until restart", self.path, error)
                self._broken = True
                return None

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=0.5, check_same_thread=False)
            connection.execute(
                "CREATE TABLE IF NOT EXISTS briefs (key TEXT PRIMARY KEY, value TEXT NOT NULL, "
                "created TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)"
            )
            self._connection = connection
        return self._connection
