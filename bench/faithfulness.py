"""Faithfulness benchmark: the public check as a detector of unfaithful summaries.

SummEdits, news domain (Laban et al. 2023; ``../shared/eval/summedits_news_dev.jsonl``, read in
place): each summary of a news document is checked against that document exactly as
``summarizer check`` would (claims split into sentences, each cited among the document's
sentences and checked claim by claim). A summary judged supported is predicted consistent.

Reports balanced accuracy, recall of consistent and of inconsistent summaries, recall per edit
type (a summary with several edit types counts for each), and milliseconds per summary.

    python bench/faithfulness.py --out bench/results/faithfulness
    python bench/faithfulness.py --judge-docs 4 --out bench/results/judge    # + the LLM judge

``--judge-docs N`` also scores every summary sentence of the first N documents with the LLM
judge (``summarizer/models/judge.py``: P(yes) over the sentence's 3 closest source sentences; a summary's
score is its weakest sentence's) and reports its AUC, and the balanced accuracy of the judge
alone and of the check AND the judge, with the threshold chosen on the other documents
(leave-one-document-out), so no document is scored with a threshold fitted on itself.
"""

from __future__ import annotations

import argparse
import collections
import json
import statistics
import sys
import time
from pathlib import Path

from summarizer.brief.pipeline import Summarizer
from summarizer.models.embed import MiniLMEmbedder
from summarizer.models.judge import p_yes
from summarizer.models.registry import DEFAULT_MODEL, load_generator

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "eval" / "summedits_news_dev.jsonl"


def load(path: Path, limit: int | None) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows[:limit] if limit else rows


def scores(rows: list[dict]) -> dict:
    consistent = [r for r in rows if r["label"] == 1]
    inconsistent = [r for r in rows if r["label"] == 0]
    recall_consistent = sum(r["supported"] for r in consistent) / max(len(consistent), 1)
    recall_inconsistent = sum(not r["supported"] for r in inconsistent) / max(len(inconsistent), 1)
    per_type: dict[str, list[bool]] = collections.defaultdict(list)
    for r in inconsistent:
        for edit in r["edit_types"] or ["none"]:
            per_type[edit].append(not r["supported"])
    return {
        "summaries": len(rows),
        "balanced_accuracy": round(50 * (recall_consistent + recall_inconsistent), 1),
        "recall_consistent": round(100 * recall_consistent, 1),
        "recall_inconsistent": round(100 * recall_inconsistent, 1),
        "recall_by_edit_type": {
            k: {"caught": round(100 * sum(v) / len(v), 1), "n": len(v)} for k, v in sorted(per_type.items())
        },
        "ms_per_summary_median": round(statistics.median(r["ms"] for r in rows), 1),
    }


def _auc(positives: list[float], negatives: list[float]) -> float:
    pairs = [(p > n) + 0.5 * (p == n) for p in positives for n in negatives]
    return sum(pairs) / len(pairs) if pairs else float("nan")


def _balanced(rows: list[dict], predict) -> float:
    consistent = [predict(r) for r in rows if r["label"] == 1]
    inconsistent = [not predict(r) for r in rows if r["label"] == 0]
    return 50 * (sum(consistent) / max(len(consistent), 1) + sum(inconsistent) / max(len(inconsistent), 1))


def judge_scores(rows: list[dict]) -> dict:
    """The judge alone and with the check, thresholds chosen leave-one-document-out."""
    grid = [i / 100 for i in range(1, 100)]
    out: dict = {
        "summaries": len(rows),
        "auc": round(
            100 * _auc([r["judge"] for r in rows if r["label"] == 1], [r["judge"] for r in rows if r["label"] == 0]), 1
        ),
        "ms_per_summary_median": round(statistics.median(r["judge_ms"] for r in rows), 1),
    }
    for name, rule in (
        ("judge_alone", lambda r, t: r["judge"] >= t),
        ("check_and_judge", lambda r, t: r["supported"] and r["judge"] >= t),
        ("check_or_judge", lambda r, t: r["supported"] or r["judge"] >= t),
    ):
        predicted = {}
        for doc in {r["doc_id"] for r in rows}:
            train = [r for r in rows if r["doc_id"] != doc]
            best = max(grid, key=lambda t, f=rule, train=train: _balanced(train, lambda r, f=f, t=t: f(r, t)))
            for r in rows:
                if r["doc_id"] == doc:
                    predicted[r["id"]] = rule(r, best)
        out[name] = round(_balanced(rows, lambda r, predicted=predicted: predicted[r["id"]]), 1)
    out["check_alone"] = round(_balanced(rows, lambda r: r["supported"]), 1)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--limit", type=int, default=None, help="first N summaries only")
    parser.add_argument("--judge-docs", type=int, default=0, metavar="N", help="LLM judge on the first N documents")
    parser.add_argument("--model", default=DEFAULT_MODEL, help="the judge's model")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    rows = load(args.data, args.limit)
    summarizer = Summarizer(MiniLMEmbedder(), load_generator(args.model))  # loaded only for --judge-docs
    summarizer.embedder.warm_up()
    by_doc: dict[str, list[dict]] = collections.defaultdict(list)
    for row in rows:
        by_doc[row["doc_id"]].append(row)
    results = []
    for number, (doc_id, items) in enumerate(by_doc.items()):
        article = [{"id": doc_id, "text": items[0]["doc"]}]
        summarizer.check_claims(article, [items[0]["summary"]])  # parse the document once, as a server would
        started = time.perf_counter()
        checks = summarizer.check_claims(article, [row["summary"] for row in items])
        ms = (time.perf_counter() - started) * 1000 / len(items)
        for row, checked in zip(items, checks, strict=True):
            judged = {}
            if number < args.judge_docs:
                started = time.perf_counter()
                scores_ = [
                    p_yes(s.text, [c.text for c in s.candidates[:3]], summarizer.generator) for s in checked.sentences
                ]
                judged = {"judge": round(min(scores_), 4), "judge_ms": round((time.perf_counter() - started) * 1000, 1)}
            results.append(
                {
                    "id": row["id"],
                    "doc_id": doc_id,
                    "label": row["label"],
                    "edit_types": row["edit_types"],
                    "supported": checked.supported,
                    "problems": [p for s in checked.sentences for p in s.problems],
                    "ms": round(ms, 1),
                    **judged,
                }
            )
        print(f"{doc_id}: {len(items)} summaries", file=sys.stderr, flush=True)
    summary = scores(results)
    if args.judge_docs:
        summary["judge"] = judge_scores([r for r in results if "judge" in r])
    (args.out / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    (args.out / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    print(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
