"""Briefs of the evaluation clusters at default options, written for labelling.

Writes ``briefs.json`` (every brief sentence with its citations, quoted or written) and
``sheet-<set>.md`` (one brief per section, each sentence followed by the text of the sentences
it cites) for a reader to label with ``../shared/eval/faithfulness_rubric.md``. The data is
read in place from ``../shared/eval``; Multi-News text is never committed.

    python bench/briefs.py --out bench/results/briefs          # dev28 + MultiLing + seeds
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quality import DATA, articles_of, load_clusters  # noqa: E402

from summarizer.embed import MiniLMEmbedder  # noqa: E402
from summarizer.files import read_articles  # noqa: E402
from summarizer.models import DEFAULT_MODEL, load_generator  # noqa: E402
from summarizer.pipeline import BriefOptions, Summarizer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def stories(data: Path, limit: int | None) -> list[tuple[str, str, list[dict]]]:
    """(brief id, set, raw articles) for seeds, dev28 and MultiLing."""
    out = [("seeds", "seeds", read_articles([str(ROOT / "seeds")]))]
    for cluster in load_clusters(data, limit):
        out.append((cluster["id"], cluster["set"], articles_of(cluster)))
    return out


def brief_record(brief_id: str, set_name: str, brief) -> dict:
    return {
        "brief_id": brief_id,
        "set": set_name,
        "sentences": [
            {
                "n": n,
                "text": s.text,
                "extractive": s.extractive,
                "attempts": s.attempts,
                "citations": [
                    {"article_id": c.article_id, "sentence_index": c.sentence_index, "text": c.text}
                    for c in s.citations
                ],
            }
            for n, s in enumerate(brief.sentences, 1)
        ],
        "seconds": round(brief.timings_ms["total"] / 1000, 2),
        "timings_ms": {k: round(v) for k, v in brief.timings_ms.items()},
    }


def sheet(records: list[dict]) -> str:
    lines = []
    for record in records:
        lines.append(f"## {record['brief_id']}\n")
        for s in record["sentences"]:
            kind = "QUOTED" if s["extractive"] else "WRITTEN"
            lines.append(f"S{s['n']} [{kind}]: {s['text']}")
            for c in s["citations"]:
                lines.append(f"    cites {c['article_id']}#{c['sentence_index']}: {c['text']}")
            lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--limit", type=int, default=None, help="clusters per set")
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    summarizer = Summarizer(MiniLMEmbedder(), load_generator(args.model))
    summarizer.warm_up()
    records = []
    for brief_id, set_name, raw in stories(args.data, args.limit):
        started = time.perf_counter()
        brief = summarizer.brief(raw, BriefOptions())
        records.append(brief_record(brief_id, set_name, brief))
        quoted = sum(s.extractive for s in brief.sentences)
        print(
            f"{brief_id}: {len(brief.sentences)} sentences ({quoted} quoted) in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
            flush=True,
        )
        (args.out / "briefs.json").write_text(json.dumps(records, indent=1, ensure_ascii=False), encoding="utf-8")
    for set_name in sorted({r["set"] for r in records}):
        (args.out / f"sheet-{set_name}.md").write_text(
            sheet([r for r in records if r["set"] == set_name]), encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
