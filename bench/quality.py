"""Quality benchmark: the brief against the baselines a user would otherwise reach for.

Reads the evaluation sets in place (``../shared/eval``; Multi-News is licensed for
non-commercial research, so it is never copied into this repository) and writes
``results.json`` (per cluster, per system), ``summary.json``, ``table.md`` and
``chart.png`` into ``--out``.

Systems: ``brief`` (this project), ``lead`` (first sentence of each article, then the
second, ...), ``lexrank`` (sumy's LexRank, fed our Punkt data) and ``stuff`` (the same LLM
given all articles in one prompt, cut to its context, asked for a summary).

Metrics: ROUGE-1/2/L/Lsum F1 (rouge-score, stemmer on) at 250 words, at ``--short`` words (100 by
default: the brief written again with that budget, the other systems cut to it) and at the brief's
own length; the citation aligner against the human alignments of dev28 (precision, recall,
share with ≥1 correct source); support of summary sentences (the verifier's checks; optional
yes/no judgement by the LLM); numbers and names of a summary found in its cited sentences;
dedup groups per cluster; repeated facts inside a summary (sentence pairs with cosine ≥ 0.8);
latency per summary; peak RSS.

    python bench/quality.py --limit 2 --out bench/results/smoke      # CI smoke run
    python bench/quality.py --out bench/results/full                  # everything
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from summarizer.brief.cite import cite
from summarizer.brief.ingest import Limits
from summarizer.brief.pipeline import BriefOptions, Summarizer
from summarizer.brief.types import Citation, Sentence
from summarizer.brief.verify import verify
from summarizer.models.embed import MiniLMEmbedder
from summarizer.models.generate import Generation, Generator
from summarizer.models.registry import DEFAULT_MODEL, load_generator
from summarizer.nlp.punkt_data import ensure_punkt_data
from summarizer.nlp.text import names, numbers, same_name, words

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "eval"
SETS = ("multinews_dev28.jsonl", "multiling2011_en3.jsonl")
SYSTEMS = ("brief", "lead", "lexrank", "stuff")
WORDS = 250
REPEAT_COSINE = 0.8
# Multi-News articles can exceed the service's per-article limit; the benchmark cuts them
# (and says so in the results) rather than refusing the cluster.
LIMITS = Limits()


# --- data ---------------------------------------------------------------------------------


def load_clusters(data: Path, limit: int | None) -> list[dict[str, Any]]:
    clusters = []
    for name in SETS:
        rows = [json.loads(line) for line in (data / name).read_text(encoding="utf-8").splitlines() if line.strip()]
        for row in rows[:limit]:
            row["set"] = name.split(".")[0]
            row["references"] = row.get("references") or [row["reference"]]
            clusters.append(row)
    return clusters


def articles_of(cluster: dict[str, Any]) -> list[dict[str, Any]]:
    """One article per document; its pre-split sentences one per line (a hard boundary for segment)."""
    articles = []
    for i, document in enumerate(cluster["documents"][: LIMITS.max_articles]):
        text = "\n".join(s.strip() for s in document["sentences"] if s.strip())[: LIMITS.max_chars_per_article]
        title = document.get("title")
        articles.append({"id": f"d{i}", "text": text, **({"title": title} if title and title != "None" else {})})
    return articles


def source_sentences(cluster: dict[str, Any]) -> list[Sentence]:
    """The dataset's own sentences, keyed (document index, sentence index) as the alignments are."""
    out = []
    for d, document in enumerate(cluster["documents"]):
        count = len(document["sentences"])
        for s, text in enumerate(document["sentences"]):
            out.append(Sentence(f"d{d}", s, 0, len(text), text, s / max(count, 1)))
    return out


# --- systems ------------------------------------------------------------------------------


def first_words(sentences: list[str], limit: int) -> str:
    out: list[str] = []
    for sentence in sentences:
        out.extend(sentence.split())
        if len(out) >= limit:
            break
    return " ".join(out[:limit])


def lead(cluster: dict[str, Any]) -> list[str]:
    documents = [[s for s in d["sentences"] if len(s.split()) >= 4] for d in cluster["documents"]]
    picked, depth = [], 0
    while sum(len(s.split()) for s in picked) < WORDS and any(depth < len(d) for d in documents):
        picked.extend(d[depth] for d in documents if depth < len(d))
        depth += 1
    return picked


def lexrank(cluster: dict[str, Any]) -> list[str]:
    from sumy.nlp.stemmers import Stemmer
    from sumy.nlp.tokenizers import Tokenizer
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.utils import get_stop_words

    text = "\n\n".join("\n".join(d["sentences"]) for d in cluster["documents"])
    parser = PlaintextParser.from_string(text, Tokenizer("english"))
    summarizer = LexRankSummarizer(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    picked: list[str] = []
    for sentence in summarizer(parser.document, 25):
        picked.append(str(sentence))
        if sum(len(s.split()) for s in picked) >= WORDS:
            break
    return picked


STUFF_PROMPT = (
    "Summarize the following news articles about one story in about {words} words, as a neutral news brief. "
    "Use only facts from the articles.\n\n"
)


def stuff_generation(
    texts: list[str], generator: Generator, context_chars: int, *, words: int = WORDS, max_tokens: int = 400
) -> Generation:
    """What a generic pipeline does: all articles in one prompt, each cut to a fair share of the context."""
    share = context_chars // max(len(texts), 1)
    body = "\n\n".join(f"Article {i + 1}:\n{text[:share]}" for i, text in enumerate(texts))
    prompt = STUFF_PROMPT.format(words=words) + body
    return generator.generate([{"role": "user", "content": prompt}], max_tokens=max_tokens)


def stuff(cluster: dict[str, Any], generator: Generator, context_chars: int) -> tuple[list[str], dict[str, int]]:
    documents = ["\n".join(d["sentences"]) for d in cluster["documents"]]
    generation = stuff_generation(documents, generator, context_chars)
    from nltk.tokenize import sent_tokenize

    sentences = [s for s in sent_tokenize(generation.text.replace("\n", " ")) if s.strip()]
    return sentences, {"prompt_tokens": generation.prompt_tokens, "completion_tokens": generation.completion_tokens}


# --- metrics ------------------------------------------------------------------------------


def rouge(summary: str, references: list[str]) -> dict[str, float]:
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL", "rougeLsum"], use_stemmer=True)
    best: dict[str, float] = {}
    for reference in references:
        # rougeLsum splits on newlines: one sentence a line on both sides
        scores = scorer.score("\n".join(reference.split(". ")), summary)
        for key, value in scores.items():
            best[key] = max(best.get(key, 0.0), 100 * value.fmeasure)
    return best


def as_text(sentences: list[str], limit: int) -> str:
    """Sentences cut to ``limit`` words, one per line (for rougeLsum)."""
    out, used = [], 0
    for sentence in sentences:
        tokens = sentence.split()
        if used + len(tokens) > limit:
            tokens = tokens[: limit - used]
        if tokens:
            out.append(" ".join(tokens))
        used += len(tokens)
        if used >= limit:
            break
    return "\n".join(out)


def aligner_scores(cluster: dict[str, Any], embedder: MiniLMEmbedder) -> dict[str, float] | None:
    """Feed each aligned reference sentence to ``cite`` over all source sentences; compare with ``support``."""
    alignments = cluster.get("reference_alignments")
    if not alignments:
        return None
    candidates = source_sentences(cluster)
    vectors = embedder.embed([c.text for c in candidates])
    precision, recall, hit = [], [], []
    for alignment in alignments:
        gold = {(f"d{d}", s) for d, s in alignment["support"]}
        if not gold:
            continue
        sentence = alignment["summary_sentence"]
        predicted = {
            (c.article_id, c.sentence_index) for c in cite(sentence, embedder.embed([sentence])[0], candidates, vectors)
        }
        correct = len(predicted & gold)
        precision.append(correct / len(predicted) if predicted else 0.0)
        recall.append(correct / len(gold))
        hit.append(1.0 if correct else 0.0)
    return {
        "precision": 100 * statistics.mean(precision),
        "recall": 100 * statistics.mean(recall),
        "with_correct_source": 100 * statistics.mean(hit),
        "sentences": len(hit),
    }


def support_scores(
    sentences: list[str], citations: list[tuple[Citation, ...]], judge: Generator | None
) -> dict[str, float]:
    """Verifier pass rate, optional LLM yes/no, and numbers/names of the summary found in its citations."""
    passed, judged, specifics, found = 0, [], 0, 0
    for text, cited in zip(sentences, citations, strict=True):
        passed += verify(text, cited).supported
        evidence = " ".join(c.text for c in cited)
        evidence_words = set(words(evidence)) | names(evidence)
        items = [("n", n) for n in numbers(text)] + [("e", e) for e in names(text)]
        specifics += len(items)
        found += sum(
            (kind == "n" and value in numbers(evidence))
            or (kind == "e" and any(same_name(value, w) for w in evidence_words))
            for kind, value in items
        )
        if judge is not None:
            judged.append(_judge(judge, text, evidence))
    out = {
        "verifier_supported": 100 * passed / len(sentences) if sentences else 0.0,
        "specifics_found": 100 * found / specifics if specifics else 100.0,
    }
    if judge is not None:
        out["judge_supported"] = 100 * statistics.mean(judged) if judged else 0.0
    return out


JUDGE_QUESTION = (
    "Does the source state everything in the claim, with the same people doing the same things? Answer Yes or No."
)


def _judge(judge: Generator, claim: str, evidence: str) -> float:
    messages = [
        {"role": "system", "content": "You check facts. Answer only Yes or No."},
        {"role": "user", "content": f"Source: {evidence}\nClaim: {claim}\n{JUDGE_QUESTION}"},
    ]
    return 1.0 if judge.generate(messages, max_tokens=2).text.strip().lower().startswith("yes") else 0.0


def repeated_pairs(sentences: list[str], embedder: MiniLMEmbedder) -> int:
    if len(sentences) < 2:
        return 0
    vectors = embedder.embed(sentences)
    similarity = vectors @ vectors.T
    return int(((np.triu(similarity, 1)) >= REPEAT_COSINE).sum())


def cite_all(sentences: list[str], cluster: dict[str, Any], embedder: MiniLMEmbedder) -> list[tuple[Citation, ...]]:
    """Post-hoc citations for a summary that has none (stuff, lead, lexrank): our aligner over all sources."""
    candidates = source_sentences(cluster)
    vectors = embedder.embed([c.text for c in candidates])
    return [cite(s, embedder.embed([s])[0], candidates, vectors) for s in sentences]


# --- run ----------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    ensure_punkt_data()
    clusters = load_clusters(args.data, args.limit)
    embedder = MiniLMEmbedder()
    generator = load_generator(args.model)
    summarizer = Summarizer(embedder, generator)
    started = time.perf_counter()
    summarizer.warm_up()
    load_s = time.perf_counter() - started
    judge = generator if args.judge else None
    results: list[dict[str, Any]] = []
    for number, cluster in enumerate(clusters, 1):
        print(f"[{number}/{len(clusters)}] {cluster['set']} {cluster['id']}", file=sys.stderr, flush=True)
        row: dict[str, Any] = {"set": cluster["set"], "id": cluster["id"], "systems": {}}
        own_length = None
        for system in args.systems:
            t0 = time.perf_counter()
            extra: dict[str, Any] = {}
            if system == "brief":
                brief = summarizer.brief(
                    articles_of(cluster), BriefOptions(max_sentences=20, max_words=WORDS, headline=False)
                )
                sentences = [s.text for s in brief.sentences]
                citations = [s.citations for s in brief.sentences]
                short = summarizer.brief(
                    articles_of(cluster), BriefOptions(max_sentences=20, max_words=args.short, headline=False)
                )
                extra = {
                    "short_sentences": [s.text for s in short.sentences],
                    "extractive": sum(s.extractive for s in brief.sentences),
                    "usage": brief.usage,
                    "groups_merged": sum(len(g.members) > 1 for g in brief.groups),
                    "timings_ms": {k: round(v) for k, v in brief.timings_ms.items()},
                }
            elif system == "stuff":
                sentences, extra = stuff(cluster, generator, args.stuff_context_chars)
                citations = None
            else:
                sentences = {"lead": lead, "lexrank": lexrank}[system](cluster)
                citations = None
            seconds = time.perf_counter() - t0
            if citations is None:
                citations = cite_all(sentences, cluster, embedder)
            text_250 = as_text(sentences, WORDS)
            if system == "brief":
                own_length = len(text_250.split())
            entry = {
                "seconds": round(seconds, 2),
                "words": len(" ".join(sentences).split()),
                "sentences": sentences,
                "rouge_250": rouge(text_250, cluster["references"]),
                "rouge_short": rouge(
                    as_text(extra.get("short_sentences", sentences), args.short), cluster["references"]
                ),
                "support": support_scores(sentences, citations, judge if system == "brief" else None),
                "repeated_pairs": repeated_pairs(sentences, embedder),
                **extra,
            }
            row["systems"][system] = entry
        if own_length:
            for entry in row["systems"].values():
                entry["rouge_own_length"] = rouge(as_text(entry["sentences"], own_length), cluster["references"])
        results.append(row)
    # The aligner needs no LLM (seconds a cluster): always measured on every aligned cluster.
    aligner = [a for c in load_clusters(args.data, None) if (a := aligner_scores(c, embedder))]
    return {
        "results": results,
        "aligner": aligner,
        "load_s": round(load_s, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "model": generator.name,
        "date": date.today().isoformat(),
        "clusters": len(clusters),
    }


def summarize(run_data: dict[str, Any], systems: list[str]) -> dict[str, Any]:
    rows = run_data["results"]
    summary: dict[str, Any] = {}
    for system in systems:
        entries = [r["systems"][system] for r in rows if system in r["systems"]]

        def mean(field, entries=entries):
            return round(statistics.mean(field(e) for e in entries), 2) if entries else None

        by_set, short_by_set = {}, {}
        for set_name in sorted({r["set"] for r in rows}):
            subset = [r["systems"][system] for r in rows if r["set"] == set_name and system in r["systems"]]
            by_set[set_name] = {
                k: round(statistics.mean(e["rouge_250"][k] for e in subset), 2)
                for k in ("rouge1", "rouge2", "rougeL", "rougeLsum")
            }
            short_by_set[set_name] = {
                k: round(statistics.mean(e["rouge_short"][k] for e in subset), 2) for k in ("rouge1", "rouge2")
            }
        summary[system] = {
            "rouge_250": by_set,
            "rouge_short": short_by_set,
            "rouge2_own_length": mean(lambda e: e.get("rouge_own_length", e["rouge_250"])["rouge2"]),
            "verifier_supported": mean(lambda e: e["support"]["verifier_supported"]),
            "judge_supported": mean(lambda e: e["support"].get("judge_supported", float("nan")))
            if any("judge_supported" in e["support"] for e in entries)
            else None,
            "specifics_found": mean(lambda e: e["support"]["specifics_found"]),
            "repeated_pairs": mean(lambda e: e["repeated_pairs"]),
            "seconds_median": round(statistics.median(e["seconds"] for e in entries), 2) if entries else None,
            "seconds_max": round(max(e["seconds"] for e in entries), 2) if entries else None,
            "words": mean(lambda e: e["words"]),
        }
    aligned = run_data["aligner"]
    if aligned:
        total = sum(a["sentences"] for a in aligned)
        # micro-average: every reference sentence counts once, whatever its cluster
        summary["aligner"] = {
            k: round(sum(a[k] * a["sentences"] for a in aligned) / total, 1)
            for k in ("precision", "recall", "with_correct_source")
        }
        summary["aligner"]["sentences"] = total
    briefs = [r["systems"]["brief"] for r in rows if "brief" in r["systems"]]
    if briefs:
        summary["brief_groups_merged_per_cluster"] = round(statistics.mean(b["groups_merged"] for b in briefs), 1)
        summary["brief_extractive_share"] = round(
            100 * sum(b["extractive"] for b in briefs) / max(1, sum(len(b["sentences"]) for b in briefs)), 1
        )
    summary.update({k: run_data[k] for k in ("load_s", "peak_rss_mb", "model", "date", "clusters")})
    return summary


def table(summary: dict[str, Any], systems: list[str], command: str, short: int) -> str:
    sets = sorted(next(iter(summary[s]["rouge_250"] for s in systems)))
    header = (
        ["system"]
        + [f"{s.split('_')[0]} R1/R2/RL/RLsum @250w" for s in sets]
        + [f"{s.split('_')[0]} R1/R2 @{short}w" for s in sets]
        + [
            "R2 @brief length",
            "verifier-supported %",
            "judge-supported %",
            "numbers+names found %",
            "repeated pairs",
            "s median / max",
            "words",
        ]
    )
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for system in systems:
        s = summary[system]
        rouge_cells = [
            "{rouge1:.1f} / {rouge2:.1f} / {rougeL:.1f} / {rougeLsum:.1f}".format(**s["rouge_250"][x]) for x in sets
        ] + ["{rouge1:.1f} / {rouge2:.1f}".format(**s["rouge_short"][x]) for x in sets]
        judge = "–" if s["judge_supported"] is None else f"{s['judge_supported']:.1f}"
        lines.append(
            "| "
            + " | ".join(
                [
                    system,
                    *rouge_cells,
                    f"{s['rouge2_own_length']:.1f}",
                    f"{s['verifier_supported']:.1f}",
                    judge,
                    f"{s['specifics_found']:.1f}",
                    f"{s['repeated_pairs']:.2f}",
                    f"{s['seconds_median']:.1f} / {s['seconds_max']:.1f}",
                    f"{s['words']:.0f}",
                ]
            )
            + " |"
        )
    out = "\n".join(lines) + "\n"
    if "aligner" in summary:
        a = summary["aligner"]
        out += (
            f"\nCitation aligner on dev28's human alignments ({a['sentences']} reference sentences): "
            f"precision {a['precision']:.1f}, recall {a['recall']:.1f}, "
            f"{a['with_correct_source']:.1f}% with ≥1 correct source.\n"
        )
    out += (
        f"\nModel {summary['model']}, {summary['clusters']} clusters, {summary['date']}; models loaded in "
        f"{summary['load_s']} s; peak RSS {summary['peak_rss_mb']} MB. Command: `{command}`\n"
    )
    return out


def chart(summary: dict[str, Any], systems: list[str], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sets = sorted(summary[systems[0]]["rouge_250"])
    figure, axes = plt.subplots(1, 3, figsize=(13, 4))
    width = 0.8 / len(sets)
    for i, set_name in enumerate(sets):
        axes[0].bar(
            [x + i * width for x in range(len(systems))],
            [summary[s]["rouge_250"][set_name]["rouge2"] for s in systems],
            width,
            label=set_name,
        )
    axes[0].set_title("ROUGE-2 F1 at 250 words")
    axes[0].legend(fontsize=8)
    axes[1].bar(systems, [summary[s]["verifier_supported"] for s in systems], color="tab:green")
    axes[1].set_title("sentences supported by citations (%)")
    axes[1].set_ylim(0, 100)
    axes[2].bar(systems, [summary[s]["seconds_median"] for s in systems], color="tab:orange")
    axes[2].set_title("median seconds per summary")
    for axis in axes:
        axis.set_xticks(range(len(systems)))
        axis.set_xticklabels(systems)
    figure.suptitle(
        f"summarizer quality benchmark — {summary['model']}, {summary['clusters']} clusters, {summary['date']}"
    )
    figure.tight_layout()
    figure.savefig(path, dpi=110)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="folder with the evaluation .jsonl files")
    parser.add_argument("--limit", type=int, default=None, help="clusters per evaluation set")
    parser.add_argument("--systems", default=",".join(SYSTEMS), help=f"comma-separated, from {','.join(SYSTEMS)}")
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--judge", action="store_true", help="also ask the LLM yes/no whether citations support")
    parser.add_argument(
        "--stuff-context-chars",
        type=int,
        default=11_000,
        help="characters of articles in the stuff prompt (~3,300 tokens of a 4,096 context)",
    )
    parser.add_argument("--short", type=int, default=100, help="the shorter length scored besides 250 words")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "quality")
    args = parser.parse_args(argv)
    args.systems = [s for s in args.systems.split(",") if s]
    unknown = set(args.systems) - set(SYSTEMS)
    if unknown or not args.systems:
        parser.error(f"unknown systems {sorted(unknown)}; choose from {', '.join(SYSTEMS)}")
    if not (args.data / SETS[0]).is_file():
        parser.error(f"{args.data / SETS[0]} not found: give --data the folder of the evaluation sets")
    args.out.mkdir(parents=True, exist_ok=True)
    run_data = run(args)
    summary = summarize(run_data, args.systems)
    command = "python bench/quality.py " + " ".join(argv if argv is not None else sys.argv[1:])
    (args.out / "results.json").write_text(json.dumps(run_data, indent=1, ensure_ascii=False))
    (args.out / "summary.json").write_text(json.dumps(summary, indent=1))
    rendered = table(summary, args.systems, command.strip(), args.short)
    (args.out / "table.md").write_text(rendered)
    chart(summary, args.systems, args.out / "chart.png")
    print(rendered)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
