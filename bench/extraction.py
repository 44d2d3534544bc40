"""Extraction benchmark: the article body found in whole HTML pages, against a gold body.

Data: 91 of the 181 real pages of the article-extraction benchmark (scrapinghub/
article-extraction-benchmark, MIT; ``../shared/eval/pages_dev/``: ``html/<id>.html.gz`` and
``ground-truth.json`` with each page's ``articleBody``), read in place, never copied.

Scoring is the benchmark's own (its ``evaluate.py`` at commit 62364af, re-implemented here and
checked against it: identical point estimates): tokens are ``\\w+`` runs (case kept); a text is
the multiset of its 4-token shingles (one shingle of all its tokens when it has fewer than 4); per
page, TP/FP/FN are the shingle-count overlaps, divided by their sum so every page weighs the same;
precision is the mean over pages with TP+FP > 0, recall the mean over pages with TP+FN > 0, F1 the
harmonic mean of those two means; accuracy is the share of pages whose token list equals the
gold's. ``±`` is the standard deviation over 1,000 bootstrap resamples of the pages (seeded here,
so runs repeat), as the benchmark's README reports it.

Systems: ``ours`` (``summarizer.nlp.extract.extract_page``, what ingest now does with a page),
``trafilatura-default`` (``trafilatura.extract(html)``), ``trafilatura-benchmark`` (the call the
benchmark publishes its figure for: ``extract(html, include_comments=False)``) and
``strip-html`` (the old path: ingest's ``strip_html`` on the whole page). ``--variants`` adds the
other trafilatura settings tried when choosing ours. Time is the median over pages of each
page's fastest of ``--repeat`` extractions (decompression excluded), on this machine.

    python bench/extraction.py --out bench/results/extraction
    python bench/extraction.py --variants --out bench/results/extraction
"""

from __future__ import annotations

import argparse
import gzip
import importlib.metadata
import json
import os
import random
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import trafilatura

from summarizer.brief.ingest import Limits, _clean_whitespace, strip_html
from summarizer.nlp.extract import extract_page

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "eval" / "pages_dev"
# The benchmark's README, all 181 pages, trafilatura 2.0.0 with the benchmark's call.
PUBLISHED = {
    "system": "trafilatura 2.0.0 (181 pages, published)",
    **{"f1": 0.958, "precision": 0.938, "recall": 0.978, "accuracy": 0.293},
    **{"f1_std": 0.006, "precision_std": 0.009, "recall_std": 0.006, "accuracy_std": 0.034},
}

Counts = tuple[float, float, float]  # normalised TP, FP, FN of one page
Extractor = Callable[[str], str]


def _bare(**options: bool) -> Extractor:
    def run(html: str) -> str:
        document = trafilatura.bare_extraction(html, include_comments=False, with_metadata=True, **options)
        return document.text if document is not None and document.text else ""

    return run


SYSTEMS: dict[str, Extractor] = {
    "ours": lambda html: extract_page(html).text,
    "trafilatura-default": lambda html: trafilatura.extract(html) or "",
    "trafilatura-benchmark": lambda html: trafilatura.extract(html, include_comments=False) or "",
    "strip-html": lambda html: _clean_whitespace(strip_html(html)),
}
# The settings tried for ours (all without comments, with metadata, as extract_page runs them).
VARIANTS: dict[str, Extractor] = {
    "tables": _bare(),
    "no-tables": _bare(include_tables=False),
    "precision": _bare(favor_precision=True),
    "precision-no-tables": _bare(favor_precision=True, include_tables=False),
    "recall": _bare(favor_recall=True),
    "fast": _bare(fast=True),
    "precision-fast": _bare(favor_precision=True, fast=True),
}

_TOKEN = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """The benchmark's shingles: n-grams of ``\\w+`` tokens; a shorter text is one shingle."""
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def page_counts(gold: str, predicted: str) -> Counts:
    """TP, FP, FN of shingles on one page, normalised to sum to 1 (all 0 when both are empty)."""
    true, pred = shingles(gold), shingles(predicted)
    tp = sum((true & pred).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    return 1.0 if fp == fn == 0 else (0.0 if tp == fp == 0 else tp / (tp + fp))


def _recall(tp: float, fp: float, fn: float) -> float:
    return 1.0 if fp == fn == 0 else (0.0 if tp == fn == 0 else tp / (tp + fn))


def metrics(counts: list[Counts]) -> dict[str, float]:
    """Macro precision and recall over pages, and F1 of the two means (the benchmark's averaging)."""
    precision = statistics.mean(_precision(*c) for c in counts if c[0] + c[1] > 0)
    recall = statistics.mean(_recall(*c) for c in counts if c[0] + c[2] > 0)
    return {"f1": 2 * precision * recall / (precision + recall), "precision": precision, "recall": recall}


def exact(gold: str, predicted: str) -> float:
    """The benchmark's accuracy of one page: 1.0 when the token lists are equal."""
    return float(_TOKEN.findall(gold or "") == _TOKEN.findall(predicted or ""))


def bootstrap(counts: list[Counts], exacts: list[float], rounds: int, rng: random.Random) -> dict[str, float]:
    """The bootstrap standard deviation of each metric (the benchmark's ``_std``)."""
    samples = []
    for _ in range(rounds):
        indices = [rng.randrange(len(counts)) for _ in counts]
        sample = metrics([counts[i] for i in indices])
        sample["accuracy"] = statistics.mean(exacts[i] for i in indices)
        samples.append(sample)
    return {f"{key}_std": statistics.stdev(s[key] for s in samples) for key in samples[0]}


def paired_difference(a: list[Counts], b: list[Counts], rounds: int, rng: random.Random) -> dict[str, float]:
    """Mean and std of F1(a) − F1(b) over the same bootstrap resamples of the pages
    (the benchmark's ``--bootstrap-differences``)."""
    diffs = []
    for _ in range(rounds):
        indices = [rng.randrange(len(a)) for _ in a]
        diffs.append(metrics([a[i] for i in indices])["f1"] - metrics([b[i] for i in indices])["f1"])
    return {"f1_diff": statistics.mean(diffs), "f1_diff_std": statistics.stdev(diffs)}


def load(data: Path) -> tuple[dict[str, str], dict[str, str]]:
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    gold = {key: item.get("articleBody", "") for key, item in truth.items()}
    pages = {}
    for key in gold:
        with gzip.open(data / "html" / f"{key}.html.gz", "rt", encoding="utf8") as f:
            pages[key] = f.read()
    return gold, pages


def run(
    extractor: Extractor, gold: dict[str, str], pages: dict[str, str], repeat: int
) -> tuple[list[Counts], list[float], list[float]]:
    """Each page's counts, exact match, and fastest time of ``repeat`` extractions (the machine is shared)."""
    extractor(next(iter(pages.values())))  # warm-up: imports and lazy setup are not a page's time
    counts, exacts, seconds = [], [], []
    for key, html in pages.items():
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            predicted = extractor(html)
            times.append(time.perf_counter() - started)
        seconds.append(min(times))
        counts.append(page_counts(gold[key], predicted))
        exacts.append(exact(gold[key], predicted))
    return counts, exacts, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--variants", action="store_true", help="also score the trafilatura settings tried")
    parser.add_argument("--bootstrap", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="extractions per page; its fastest is its time")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "extraction")
    args = parser.parse_args(argv)
    gold, pages = load(args.data)
    systems = {**SYSTEMS, **(VARIANTS if args.variants else {})}
    rng = random.Random(args.seed)
    results: dict[str, dict] = {}
    counts_by_system: dict[str, list[Counts]] = {}
    # Before pages were extracted, ingest refused any text over the per-article limit with a 413.
    over = sum(len(html) > Limits().max_chars_per_article for html in pages.values())
    print(f"{len(pages)} pages, trafilatura {importlib.metadata.version('trafilatura')}, {os.cpu_count()} CPUs")
    print(f"{over} pages are over the {Limits().max_chars_per_article:,}-character text limit (refused before)")
    print(f"{'system':<24} {'F1':<13}  {'precision':<13}  {'recall':<13}  {'accuracy':<13}  ms/page")
    for name, extractor in systems.items():
        counts, exacts, seconds = run(extractor, gold, pages, args.repeat)
        counts_by_system[name] = counts
        result = {
            **metrics(counts),
            "accuracy": statistics.mean(exacts),
            **bootstrap(counts, exacts, args.bootstrap, rng),
        }
        result["median_ms"] = 1000 * statistics.median(seconds)
        result["pages"] = {
            key: {"precision": _precision(*c), "recall": _recall(*c)} for key, c in zip(pages, counts, strict=True)
        }
        results[name] = result
        cells = "  ".join(
            f"{result[k]:.3f} ± {result[k + '_std']:.3f}" for k in ("f1", "precision", "recall", "accuracy")
        )
        print(f"{name:<24} {cells}  {result['median_ms']:7.1f}", flush=True)
    p = PUBLISHED
    cells = "  ".join(f"{p[k]:.3f} ± {p[k + '_std']:.3f}" for k in ("f1", "precision", "recall", "accuracy"))
    print(f"{p['system']}: {cells}")
    comparisons = {
        f"ours - {other}": paired_difference(counts_by_system["ours"], counts_by_system[other], args.bootstrap, rng)
        for other in systems
        if other != "ours"
    }
    for label, diff in comparisons.items():
        print(f"F1 {label}: {diff['f1_diff']:+.3f} ± {diff['f1_diff_std']:.3f}")
    args.out.mkdir(parents=True, exist_ok=True)
    summary = {
        "pages": len(pages),
        "trafilatura": importlib.metadata.version("trafilatura"),
        "cpus": os.cpu_count(),
        "bootstrap": args.bootstrap,
        "seed": args.seed,
        "repeat": args.repeat,
        "pages_over_text_limit": over,
        "systems": {name: {k: v for k, v in r.items() if k != "pages"} for name, r in results.items()},
        "paired_f1_differences": comparisons,
        "published": PUBLISHED,
    }
    (args.out / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    (args.out / "pages.json").write_text(
        json.dumps({name: r["pages"] for name, r in results.items()}, indent=1), encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
