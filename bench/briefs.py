"""Briefs of the evaluation clusters at default options, written for labelling.

Writes ``briefs.json`` (every brief sentence with its citations, quoted or written) and
``sheet-<set>.md`` (one brief per section, each sentence followed by the text of the sentences
it cites) for a reader to label with ``../shared/eval/faithfulness_rubric.md``. The data is
read in place from ``../shared/eval``; Multi-News text is never committed.

    python bench/briefs.py --out bench/results/briefs          # dev28 + MultiLing + seeds
    python bench/briefs.py --score LABELS.txt... --briefs bench/results/briefs/briefs.json \
        --save bench/labels/after.jsonl                          # shares, and the labels to keep

A reader's labels are lines of the rubric's form ``SENT <brief-id> S<n> <LABEL> editor_ready=<yes|no> | note``.
``--save`` keeps, per sentence, the brief id, the sentence's sha256, how it was made (fused,
compressed, quoted), the label and editor_ready; the sentence text and the note only for the
seeds and MultiLing (CC BY 2.5), never for Multi-News (non-commercial research licence).
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quality import DATA, articles_of, load_clusters  # noqa: E402

from summarizer.brief.pipeline import BriefOptions, Summarizer  # noqa: E402
from summarizer.errors import InputError  # noqa: E402
from summarizer.models.embed import MiniLMEmbedder  # noqa: E402
from summarizer.models.registry import DEFAULT_MODEL, load_generator  # noqa: E402
from summarizer.service.files import read_articles  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def stories(data: Path, limit: int | None, clusters: Path | None = None) -> list[tuple[str, str, list[dict]]]:
    """(brief id, set, raw articles) for seeds, dev28 and MultiLing; or, with ``clusters``, for the
    clusters of that JSONL file (``{"id", "documents": [{"title", "text"}]}``: unseen stories, set "unseen")."""
    if clusters is not None:
        rows = [json.loads(line) for line in clusters.read_text(encoding="utf-8").splitlines() if line.strip()]
        return [
            (
                row["id"],
                "unseen",
                [
                    {"id": f"d{i}", "text": d["text"], **({"title": d["title"]} if d.get("title") else {})}
                    for i, d in enumerate(row["documents"])
                ],
            )
            for row in rows[:limit]
        ]
    out = [("seeds", "seeds", read_articles([str(ROOT / "seeds")]))]
    for cluster in load_clusters(data, limit):
        out.append((cluster["id"], cluster["set"], articles_of(cluster)))
    return out


def brief_record(brief_id: str, set_name: str, brief) -> dict:
    """The brief's sentences numbered from 1; its headline, when it has one, is sentence 0."""
    numbered = ([(0, brief.headline)] if brief.headline else []) + list(enumerate(brief.sentences, 1))
    return {
        "brief_id": brief_id,
        "set": set_name,
        "sentences": [
            {
                "n": n,
                "text": s.text,
                "extractive": s.extractive,
                "method": "headline" if n == 0 else s.method,
                "attempts": s.attempts,
                "drawn_from": [list(key) for key in s.drawn_from],
                "rejected": list(s.rejected),
                "citations": [
                    {"article_id": c.article_id, "sentence_index": c.sentence_index, "text": c.text}
                    for c in s.citations
                ],
            }
            for n, s in numbered
        ],
        "warnings": [w.message for w in brief.warnings],
        "seconds": round(brief.timings_ms["total"] / 1000, 2),
        "timings_ms": {k: round(v) for k, v in brief.timings_ms.items()},
    }


def sheet(records: list[dict]) -> str:
    lines = []
    for record in records:
        lines.append(f"## {record['brief_id']}\n")
        for s in record["sentences"]:
            kind = "HEADLINE" if s["n"] == 0 else how_made(s).upper()
            lines.append(f"S{s['n']} [{kind}]: {s['text']}")
            for c in s["citations"]:
                lines.append(f"    cites {c['article_id']}#{c['sentence_index']}: {c['text']}")
            lines.append("")
    return "\n".join(lines)


_LABEL = re.compile(
    r"^SENT (\S+) S(\d+) (SUPPORTED|CITATION_GAP|UNSUPPORTED) editor_ready=(yes|no)(?: copied=(yes|no))?\s*\|?\s*(.*)$"
)
_BRIEF = re.compile(r"^BRIEF (\S+) coverage=([1-5]) main_news=(yes|no) first=(yes|no) readable=([1-5])\s*\|?\s*(.*)$")


METHODS = ("fused", "compressed", "resolved", "quoted")


def methods(records: list[dict]) -> dict:
    """How the briefs' sentences were made (headlines apart): the share of each method, of
    sentences whose words come from two or more source sentences, and from two or more articles;
    and the share of briefs with a headline."""
    sentences = [s for r in records for s in r["sentences"] if s["n"] > 0]
    drawn = [s.get("drawn_from", []) for s in sentences]
    total = max(len(sentences), 1)
    briefs = max(len(records), 1)
    made = collections.Counter(how_made(s) for s in sentences)
    return {
        "briefs": len(records),
        "sentences": len(sentences),
        **{f"{k}_pct": round(100 * made[k] / total, 1) for k in METHODS},
        "two_or_more_source_sentences_pct": round(100 * sum(len(d) >= 2 for d in drawn) / total, 1),
        "two_or_more_articles_pct": round(100 * sum(len({a for a, _ in d}) >= 2 for d in drawn) / total, 1),
        "headline_pct": round(100 * sum(any(s["n"] == 0 for s in r["sentences"]) for r in records) / briefs, 1),
        "median_seconds": statistics.median(r["seconds"] for r in records) if records else None,
    }


def how_made(sentence: dict) -> str:
    """compressed / fused / quoted; briefs written before ``method`` existed: fused with a retry,
    then a free compression (attempt 3), then quoted."""
    if "method" in sentence:
        return sentence["method"]
    if sentence["extractive"]:
        return "quoted"
    return "compressed" if sentence.get("attempts") == 3 else "fused"


def score(label_files: list[Path], briefs: Path, save: Path | None) -> dict:
    """Shares of the labels over every sentence of ``briefs``; a sentence without a label is an error."""
    records = {
        (r["brief_id"], s["n"]): (r, s) for r in json.loads(briefs.read_text(encoding="utf-8")) for s in r["sentences"]
    }
    labels = {}
    brief_labels = {}
    for path in label_files:
        for line in path.read_text(encoding="utf-8").splitlines():
            match = _LABEL.match(line.strip())
            if match:
                labels[(match.group(1), int(match.group(2)))] = match.groups()
            match = _BRIEF.match(line.strip())
            if match:
                brief_labels[match.group(1)] = match.groups()
    missing = sorted(set(records) - set(labels))
    if missing:
        raise SystemExit(f"no label for {len(missing)} sentence(s), e.g. {missing[:3]}")
    rows = []
    for key, (record, sentence) in records.items():
        _, _, label, ready, copied, note = labels[key]
        open_licence = record["set"] not in ("multinews_dev28", "unseen")
        rows.append(
            {
                "brief_id": key[0],
                "set": record["set"],
                "n": key[1],
                "sha256": hashlib.sha256(sentence["text"].encode()).hexdigest(),
                "made": how_made(sentence),
                "label": label,
                "editor_ready": ready == "yes",
                **({"copied": copied == "yes"} if copied else {}),
                **({"text": sentence["text"], "note": note} if open_licence else {}),
            }
        )
    for brief_id, (_, coverage, main_news, first, readable, _note) in brief_labels.items():
        rows.append(
            {
                "brief_id": brief_id,
                "made": "brief",
                "coverage": int(coverage),
                "main_news": main_news == "yes",
                "first": first == "yes",
                "readable": int(readable),
            }
        )
    if save:
        save.parent.mkdir(parents=True, exist_ok=True)
        save.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    whole = [r for r in rows if r["made"] == "brief"]
    rows = [r for r in rows if r["made"] != "brief"]
    headlines = [r for r in rows if r["made"] == "headline"]
    rows = [r for r in rows if r["made"] != "headline"]  # the brief's sentences, scored as before
    total = len(rows)
    counts = collections.Counter(r["label"] for r in rows)
    made = collections.Counter(r["made"] for r in rows)
    summary = {
        "briefs": len({r["brief_id"] for r in rows}),
        "sentences": total,
        **{f"{k.lower()}_pct": round(100 * counts[k] / total, 1) for k in ("SUPPORTED", "CITATION_GAP", "UNSUPPORTED")},
        "editor_ready_pct": round(100 * sum(r["editor_ready"] for r in rows) / total, 1),
        **{f"{k}_pct": round(100 * made[k] / total, 1) for k in METHODS},
    }

    def share(subset: list[dict], label: str) -> float:
        hits = sum(r["editor_ready"] if label == "editor_ready" else r["label"] == label for r in subset)
        return round(100 * hits / len(subset), 1)

    for kind in METHODS:
        subset = [r for r in rows if r["made"] == kind]
        if subset:
            summary[f"supported_pct_of_{kind}"] = share(subset, "SUPPORTED")
            summary[f"editor_ready_pct_of_{kind}"] = share(subset, "editor_ready")
    copied = [r for r in rows if "copied" in r]
    if copied:
        summary["copied_pct"] = round(100 * sum(r["copied"] for r in copied) / len(copied), 1)
    if whole:
        summary["briefs_labelled"] = len(whole)
        summary["coverage_mean"] = round(sum(r["coverage"] for r in whole) / len(whole), 2)
        summary["readable_mean"] = round(sum(r["readable"] for r in whole) / len(whole), 2)
        summary["main_news_pct"] = round(100 * sum(r["main_news"] for r in whole) / len(whole), 1)
        summary["main_news_first_pct"] = round(100 * sum(r["first"] for r in whole) / len(whole), 1)
    if headlines:
        summary["headlines"] = len(headlines)
        summary["headline_supported_pct"] = share(headlines, "SUPPORTED")
        summary["headline_editor_ready_pct"] = share(headlines, "editor_ready")
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--limit", type=int, default=None, help="clusters per set")
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--fuse", action="store_true", help="join adjacent facts that share a name (fuse_facts)")
    parser.add_argument("--max-words", type=int, default=BriefOptions().max_words, help="the briefs' word budget")
    parser.add_argument("--out", type=Path)
    parser.add_argument(
        "--clusters", type=Path, help="brief the clusters of this JSONL file instead (stories never tuned on)"
    )
    parser.add_argument("--score", type=Path, nargs="+", metavar="LABELS", help="label files to score instead")
    parser.add_argument("--methods", type=Path, metavar="BRIEFS", help="how the sentences of a briefs.json were made")
    parser.add_argument("--briefs", type=Path, help="with --score: the briefs.json the labels are of")
    parser.add_argument("--save", type=Path, help="with --score: write the labels to keep (see above)")
    args = parser.parse_args(argv)
    if args.methods:
        print(json.dumps(methods(json.loads(args.methods.read_text(encoding="utf-8"))), indent=1))
        return 0
    if args.score:
        print(json.dumps(score(args.score, args.briefs, args.save), indent=1))
        return 0
    if args.out is None:
        parser.error("--out is required to write briefs")
    args.out.mkdir(parents=True, exist_ok=True)
    summarizer = Summarizer(MiniLMEmbedder(), load_generator(args.model), fuse_facts=args.fuse)
    summarizer.warm_up()
    records = []
    for brief_id, set_name, raw in stories(args.data, args.limit, args.clusters):
        started = time.perf_counter()
        try:
            brief = summarizer.brief(raw, BriefOptions(max_words=args.max_words))
        except InputError as error:  # a story with nothing to say is reported, not fatal
            print(f"{brief_id}: refused: {error}", file=sys.stderr, flush=True)
            continue
        records.append(brief_record(brief_id, set_name, brief))
        quoted = sum(s.extractive for s in brief.sentences)
        print(
            f"{brief_id}: {len(brief.sentences)} sentences ({quoted} quoted), headline {brief.headline is not None}, "
            f"{len(brief.warnings)} warning(s) in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
            flush=True,
        )
        (args.out / "briefs.json").write_text(json.dumps(records, indent=1, ensure_ascii=False), encoding="utf-8")
    print(json.dumps(methods(records), indent=1))
    (args.out / "methods.json").write_text(json.dumps(methods(records), indent=1), encoding="utf-8")
    for set_name in sorted({r["set"] for r in records}):
        (args.out / f"sheet-{set_name}.md").write_text(
            sheet([r for r in records if r["set"] == set_name]), encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
