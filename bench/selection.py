"""What the brief says, measured without the LLM: fact groups and the selection.

Two measures, both on the evaluation sets read in place (``../shared/eval``, never copied):

- **Fact groups** (dedup) against the human alignments of ``multinews_dev28``: source sentences a
  person aligned to the same reference sentence tell one fact. Pairwise precision = of the pairs
  dedup put in one group (both sentences aligned to something), the share aligned to a common
  reference sentence; recall = of the aligned pairs from different articles (both kept by clean),
  the share dedup put in one group.
- **Selection** (plan): each chosen group's representative quoted, in the brief's order, ROUGE-1/2
  recall and F1 at 100 and 250 words against the references, beside the round-robin lead and
  LexRank (sumy) cut to the same length; and the share of briefs whose first sentence comes from
  an article's opening (its first three kept sentences).

    python bench/selection.py --out bench/results/selection

Seconds a cluster (MiniLM and the spaCy parse only); the LLM only shortens or quotes what this
chose, so this is where "what the brief says" is decided.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from quality import DATA, articles_of, first_words, lead, lexrank, load_clusters

from summarizer.brief.dedup import dedup
from summarizer.brief.pipeline import prepare
from summarizer.brief.plan import plan
from summarizer.brief.standalone import editorial_problems
from summarizer.models.embed import MiniLMEmbedder
from summarizer.nlp.punkt_data import ensure_punkt_data

LENGTHS = (100, 250)


def rouge(summary: str, references: list[str]) -> dict[str, float]:
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2"], use_stemmer=True)
    best: dict[str, float] = {}
    for reference in references:
        for key, value in scorer.score(reference, summary).items():
            best[f"{key}_r"] = max(best.get(f"{key}_r", 0.0), 100 * value.recall)
            best[f"{key}_f"] = max(best.get(f"{key}_f", 0.0), 100 * value.fmeasure)
    return best


def line_of(article_text: str, start: int) -> int:
    """The dataset sentence a segment sentence came from (articles_of puts one per line)."""
    return article_text.count("\n", 0, start)


def group_pairs(cluster: dict[str, Any], groups, kept, texts: dict[str, str]) -> dict[str, int]:
    """Pairwise agreement of dedup groups with the human alignments (see the module docstring)."""
    key = {s.key: (int(s.article_id[1:]), line_of(texts[s.article_id], s.start)) for s in kept}
    aligned_to: dict[tuple[int, int], set[int]] = {}
    for number, alignment in enumerate(cluster["reference_alignments"]):
        for d, s in alignment["support"]:
            aligned_to.setdefault((d, s), set()).add(number)
    kept_keys = set(key.values())
    gold = {
        frozenset((a, b))
        for targets in ({tuple(x) for x in al["support"]} for al in cluster["reference_alignments"])
        for a, b in itertools.combinations(sorted(targets & kept_keys), 2)
        if a[0] != b[0]
    }
    ours = set()
    for group in groups:
        members = sorted({key[s.key] for s in group.members if key[s.key] in aligned_to})
        ours |= {frozenset((a, b)) for a, b in itertools.combinations(members, 2) if a != b}
    return {"ours": len(ours), "gold": len(gold), "both": len(ours & gold)}


def run(args: argparse.Namespace) -> dict[str, Any]:
    ensure_punkt_data()
    embedder = MiniLMEmbedder()
    embedder.warm_up()
    clusters = load_clusters(args.data, args.limit)
    rows = []
    for number, cluster in enumerate(clusters, 1):
        print(f"[{number}/{len(clusters)}] {cluster['set']} {cluster['id']}", file=sys.stderr, flush=True)
        prepared = prepare(articles_of(cluster))
        kept = prepared.cleaned.kept
        vectors = embedder.embed([s.text for s in kept])
        t0 = time.perf_counter()
        groups = dedup(kept, vectors)
        dedup_ms = (time.perf_counter() - t0) * 1000
        texts = {a.id: a.text for a in prepared.articles}
        row: dict[str, Any] = {"set": cluster["set"], "id": cluster["id"], "dedup_ms": round(dedup_ms, 1)}
        if cluster.get("reference_alignments"):
            row["pairs"] = group_pairs(cluster, groups, kept, texts)
        published = {a.id: a.published for a in prepared.articles}
        openings = {s.key for a in prepared.articles for s in [k for k in kept if k.article_id == a.id][:3]}
        for length in LENGTHS:
            t0 = time.perf_counter()
            chosen = plan(
                groups,
                vectors,
                max_sentences=20,
                max_words=length,
                published=published,
                problems=editorial_problems,
            )
            plan_ms = (time.perf_counter() - t0) * 1000
            ours = [kept[item.representative_row].text for item in chosen.items]
            first_key = kept[chosen.items[0].representative_row].key if chosen.items else None
            row[str(length)] = {
                "plan_ms": round(plan_ms, 1),
                "sentences": ours,
                "words": len(" ".join(ours).split()),
                "first_from_an_opening": first_key in openings,
                "brief": rouge(first_words(ours, length), cluster["references"]),
                "lead": rouge(first_words(lead(cluster), length), cluster["references"]),
                "lexrank": rouge(first_words(lexrank(cluster), length), cluster["references"]),
            }
        rows.append(row)
    return {"rows": rows}


def summarize(data: dict[str, Any]) -> dict[str, Any]:
    rows = data["rows"]
    out: dict[str, Any] = {}
    paired = [r["pairs"] for r in rows if "pairs" in r]
    if paired:
        ours, gold, both = (sum(p[k] for p in paired) for k in ("ours", "gold", "both"))
        out["fact_groups"] = {
            "precision": round(100 * both / ours, 1) if ours else None,
            "recall": round(100 * both / gold, 1) if gold else None,
            "pairs_grouped": ours,
            "pairs_aligned": gold,
        }
    for set_name in sorted({r["set"] for r in rows}):
        subset = [r for r in rows if r["set"] == set_name]
        for length in LENGTHS:
            entry = {}
            for system in ("brief", "lead", "lexrank"):
                entry[system] = {
                    k: round(statistics.mean(r[str(length)][system][k] for r in subset), 2)
                    for k in ("rouge1_r", "rouge2_r", "rouge1_f", "rouge2_f")
                }
            entry["brief_over_lead_r2_f"] = round(entry["brief"]["rouge2_f"] / entry["lead"]["rouge2_f"], 3)
            entry["first_from_an_opening"] = round(
                100 * statistics.mean(r[str(length)]["first_from_an_opening"] for r in subset), 1
            )
            entry["words"] = round(statistics.mean(r[str(length)]["words"] for r in subset), 1)
            entry["plan_ms_median"] = round(statistics.median(r[str(length)]["plan_ms"] for r in subset), 1)
            out[f"{set_name}@{length}"] = entry
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--limit", type=int, default=None, help="clusters per evaluation set")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results" / "selection")
    args = parser.parse_args(argv)
    data = run(args)
    summary = summarize(data)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(data, indent=1, ensure_ascii=False))
    (args.out / "summary.json").write_text(json.dumps(summary, indent=1))
    print(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
