"""Grouping articles into stories, measured on mixtures of the dev clusters (read in place).

Mixtures: all 28 Multi-News dev clusters' articles together (63 articles); the 3 MultiLing
clusters (30); both (93); and 28 hard mixtures of same-topic stories, each dev cluster with the
3 clusters whose articles are most similar to it (by centroid cosine). With ``--clusters FILE``
(JSONL ``{"id", "documents": [{"title", "text"}]}``: stories never tuned on), the same for them:
those stories alone, everything together, and a hard mixture for each of them. Per method and
threshold: adjusted Rand index and V-measure against the true clusters, the share of articles put
in a story whose majority is another true cluster, stories drawn from two or more true clusters
(impure: a brief would stitch events together), and true two-article stories split apart.
Articles go through the pipeline's own ingest → segment → clean (``prepare``) and group.py's
vectors, as the service reads them. Methods: the semantic signal alone (MiniLM of title + opening
sentences), the lexical alone (TF-IDF of the whole text), their blend (group.py), HDBSCAN on the blend.

    python bench/grouping.py --out bench/results/grouping [--clusters unseen.jsonl]
    python bench/grouping.py --cost --out bench/results/grouping-cost [--clusters unseen.jsonl]

``--cost``: the service's own ``group_articles`` end to end, with the default model loaded as a
service holds it: (1) the 28 dev clusters' 63 articles grouped, then every story briefed at
default options — grouping's share of the time of the briefs it feeds; (2) 300 articles (the
dev pages as whole HTML, every cluster's articles, dev articles again with their sentences in
reverse order) grouped — seconds and the process's peak resident memory before and after.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.cluster import HDBSCAN
from sklearn.metrics import adjusted_rand_score, v_measure_score

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from summarizer.brief.group import SEMANTIC_WEIGHT, cluster, lexical_similarity, opening_vectors  # noqa: E402
from summarizer.brief.pipeline import prepare  # noqa: E402
from summarizer.models.embed import MiniLMEmbedder  # noqa: E402

EVAL = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"
THRESHOLDS = {
    "semantic": [0.5, 0.55, 0.6, 0.65, 0.7],
    "lexical": [0.8, 0.85, 0.9],
    "blend": [0.6, 0.65, 0.7, 0.75, 0.8],
}


def _rows(path: Path, corpus: str) -> list[tuple[str, str, list[dict]]]:
    out = []
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        raw = [
            {
                "id": f"{row['id']}:{number}",
                **({"title": d["title"]} if d.get("title") and d["title"] != "None" else {}),
                "text": "\n".join(d["sentences"]) if "sentences" in d else d["text"],
            }
            for number, d in enumerate(row["documents"])
        ]
        out.append((row["id"], corpus, raw))
    return out


def load(extra: Path | None = None) -> tuple[list, list, list[str], list[str]]:
    """(articles, kept sentences, true cluster per article, corpus per article)."""
    rows = _rows(EVAL / "multinews_dev28.jsonl", "multinews") + _rows(EVAL / "multiling2011_en3.jsonl", "multiling")
    if extra is not None:
        rows += _rows(extra, "unseen")
    articles, sentences, truth, corpus = [], [], [], []
    for cluster_id, name, raw in rows:
        prepared = prepare(raw, require_usable=False)
        articles += prepared.articles
        sentences += prepared.cleaned.kept
        truth += [cluster_id] * len(prepared.articles)
        corpus += [name] * len(prepared.articles)
    return articles, sentences, truth, corpus


def scores(truth: list[str], labels: list[int]) -> dict[str, float]:
    stories: dict[int, list[str]] = {}
    for true, label in zip(truth, labels, strict=True):
        stories.setdefault(label, []).append(true)
    grouped = [members for members in stories.values() if len(members) >= 2]
    wrong = sum(len(m) - Counter(m).most_common(1)[0][1] for m in grouped)
    impure = sum(len(set(m)) > 1 for m in grouped)
    pairs = [t for t, n in Counter(truth).items() if n == 2]
    split = sum(len({label for true, label in zip(truth, labels, strict=True) if true == t}) > 1 for t in pairs)
    return {
        "ari": adjusted_rand_score(truth, labels),
        "v": v_measure_score(truth, labels),
        "wrong": wrong / len(truth),
        "impure": impure,
        "split_pairs": split,
    }


def hdbscan(similarity: np.ndarray) -> list[int]:
    distances = np.clip(1 - similarity, 0, 2)
    labels = HDBSCAN(min_cluster_size=2, metric="precomputed").fit_predict(distances)
    # HDBSCAN's noise (-1) is each article on its own
    top = labels.max() + 1
    return [int(label) if label >= 0 else int(top + i) for i, label in enumerate(labels)]


def _memory_mb() -> tuple[float, float]:
    """(resident, peak resident) MB of this process (Linux /proc)."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def cost(args: argparse.Namespace) -> int:
    import gzip

    from summarizer.brief.pipeline import BriefOptions, Summarizer
    from summarizer.models.registry import DEFAULT_MODEL, load_generator
    from summarizer.service.morning import group_articles

    summarizer = Summarizer(MiniLMEmbedder(), load_generator(DEFAULT_MODEL))
    summarizer.warm_up()
    loaded = _memory_mb()
    rows = _rows(EVAL / "multinews_dev28.jsonl", "multinews")
    dev = [article for _, _, raw in rows for article in raw]
    started = time.perf_counter()
    grouped = group_articles(dev, summarizer.embedder, max_articles=len(dev), min_size=2)
    group_s = time.perf_counter() - started
    brief_s = []
    for number, briefed in enumerate(grouped.briefed, 1):
        started = time.perf_counter()
        summarizer.brief(briefed, BriefOptions())
        brief_s.append(time.perf_counter() - started)
        print(f"story {number}/{len(grouped.briefed)}: {len(briefed)} articles, {brief_s[-1]:.1f} s", flush=True)
    after_briefs = _memory_mb()

    pages = sorted((EVAL / "pages_dev" / "html").glob("*.html.gz"))
    many = [{"id": f"page-{p.name.split('.')[0]}", "html": gzip.decompress(p.read_bytes()).decode()} for p in pages]
    clusters = rows + _rows(EVAL / "multiling2011_en3.jsonl", "multiling")
    if args.clusters:
        clusters += _rows(args.clusters, "unseen")
    many += [article for _, _, raw in clusters for article in raw]
    again = [{**a, "id": a["id"] + ":reversed", "text": "\n".join(reversed(a["text"].split("\n")))} for a in dev]
    many = (many + again)[:300]
    started = time.perf_counter()
    large = group_articles(many, summarizer.embedder, max_articles=len(many), min_size=2)
    large_s = time.perf_counter() - started
    grouped_300 = _memory_mb()
    lines = [
        f"dev28 mixture: {len(dev)} articles grouped in {group_s:.2f} s into {len(grouped.stories)} stories; "
        f"their briefs took {sum(brief_s):.1f} s in all (median {statistics.median(brief_s):.1f} s a story): "
        f"grouping is {100 * group_s / (group_s + sum(brief_s)):.1f}% of the job's time.",
        f"{len(many)} articles ({len(pages)} whole pages): grouped in {large_s:.2f} s "
        f"({1000 * large_s / len(many):.0f} ms an article) into {len(large.stories)} stories, "
        f"{len(large.unassigned)} on their own, {len(large.refused)} refused.",
        "",
        "| process memory (default model, MiniLM, spaCy loaded) | resident MB | peak resident MB |",
        "|---|---|---|",
        f"| models loaded and warmed up | {loaded[0]:,.0f} | {loaded[1]:,.0f} |",
        f"| after the {len(grouped.briefed)} dev briefs | {after_briefs[0]:,.0f} | {after_briefs[1]:,.0f} |",
        f"| after grouping {len(many)} articles | {grouped_300[0]:,.0f} | {grouped_300[1]:,.0f} |",
    ]
    table = "\n".join(lines)
    print(table)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.md").write_text(table + "\n")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench/results/grouping"))
    parser.add_argument("--clusters", type=Path, help="JSONL of stories never tuned on, checked the same way")
    parser.add_argument("--cost", action="store_true", help="grouping's cost end to end (see above)")
    args = parser.parse_args()
    if args.cost:
        return cost(args)
    embedder = MiniLMEmbedder()
    embedder.warm_up()
    articles, sentences, truth, corpus = load(args.clusters)
    started = time.perf_counter()
    semantic = opening_vectors(articles, sentences, embedder)
    vector_s = time.perf_counter() - started
    truth_arr = np.array(truth)

    def similarity(members: list[int], method: str) -> np.ndarray:
        """The method's similarity among ``members``; TF-IDF's IDF from those articles alone, as in service."""
        chosen = [articles[i] for i in members]
        sem = semantic[members] @ semantic[members].T
        if method == "semantic":
            return sem
        lex = lexical_similarity(chosen, sentences)
        return lex if method == "lexical" else SEMANTIC_WEIGHT * sem + (1 - SEMANTIC_WEIGHT) * lex

    centroids = {t: semantic[truth_arr == t].mean(axis=0) for t in sorted(set(truth))}

    def hard(corpus_name: str) -> list[list[int]]:
        """Each cluster of the corpus with the 3 clusters (of any corpus) whose articles are most like it."""
        own = sorted({t for t, c in zip(truth, corpus, strict=True) if c == corpus_name})
        pool = sorted({t for t, c in zip(truth, corpus, strict=True) if c in ("multinews", corpus_name)})
        mixtures = []
        for t in own:
            near = sorted(pool, key=lambda o: -float(centroids[t] @ centroids[o]))[:4]  # itself + 3 nearest
            mixtures.append([i for i, x in enumerate(truth) if x in near])
        return mixtures

    mixtures: dict[str, list[list[int]]] = {
        "dev28 (63)": [[i for i, c in enumerate(corpus) if c == "multinews"]],
        "multiling (30)": [[i for i, c in enumerate(corpus) if c == "multiling"]],
        "hard dev (28 × 4 similar)": hard("multinews"),
    }
    if args.clusters:
        unseen = [i for i, c in enumerate(corpus) if c == "unseen"]
        mixtures[f"unseen ({len(unseen)})"] = [unseen]
        mixtures[f"hard unseen ({len(set(truth_arr[unseen]))} × 4)"] = hard("unseen")
    mixtures[f"all ({len(truth)})"] = [list(range(len(truth)))]

    methods = [(m, t) for m, cuts in THRESHOLDS.items() for t in cuts] + [("blend", "hdbscan")]
    rows = []
    for method, threshold in methods:
        row: dict = {"method": f"{method} {'t=' + str(threshold) if threshold != 'hdbscan' else 'HDBSCAN'}"}
        for name, members_list in mixtures.items():
            results = []
            for members in members_list:
                matrix = similarity(members, method)
                labels = hdbscan(matrix) if threshold == "hdbscan" else cluster(matrix, float(threshold))
                results.append(scores([truth[i] for i in members], labels))
            row[name] = {
                "ari": statistics.mean(s["ari"] for s in results),
                **({"ari_min": min(s["ari"] for s in results)} if len(results) > 1 else {}),
                "v": statistics.mean(s["v"] for s in results),
                "wrong": statistics.mean(s["wrong"] for s in results),
                "impure": sum(s["impure"] for s in results),
                "split_pairs": sum(s["split_pairs"] for s in results),
            }
        rows.append(row)
        print(row["method"], {k: round(v["ari"], 3) for k, v in row.items() if k != "method"}, flush=True)
    everything = list(range(len(truth)))
    timing_started = time.perf_counter()
    cluster(similarity(everything, "blend"))
    cluster_ms = (time.perf_counter() - timing_started) * 1000

    # The warning on one brief request (pipeline._mixed_stories): each cluster sent alone should not
    # warn; two clusters sent together should be told apart (more than one group, none mixed).
    pairs = list(itertools.combinations(sorted(set(truth)), 2))
    random.Random(1).shuffle(pairs)
    singles = sorted(set(truth))
    warning_lines = [
        f"| cut | single-story requests warned (false, of {len(singles)}) | two-story requests told apart (of 200) |",
        "|---|---|---|",
    ]
    for threshold in (0.75, 0.8, 0.85, 0.9):
        false = sum(
            len(set(cluster(similarity(list(np.flatnonzero(truth_arr == t)), "blend"), threshold))) > 1 for t in singles
        )
        told = 0
        for a, b in pairs[:200]:
            members = list(np.flatnonzero((truth_arr == a) | (truth_arr == b)))
            groups: dict[int, set[str]] = {}
            for i, label in zip(members, cluster(similarity(members, "blend"), threshold), strict=True):
                groups.setdefault(label, set()).add(truth[i])
            told += len(groups) > 1 and all(len(g) == 1 for g in groups.values())
        warning_lines.append(f"| {threshold} | {false} | {told} |")

    header = "| method | " + " | ".join(
        f"{name}: ARI / V / wrong % / impure / split pairs" for name in rows[0] if name != "method"
    )
    lines = [header, "|---" * (len(rows[0])) + "|"]
    for row in rows:
        cells = []
        for name, s in row.items():
            if name == "method":
                continue
            ari = f"{s['ari']:.3f}" + (f" (min {s['ari_min']:.2f})" if "ari_min" in s else "")
            cells.append(f"{ari} / {s['v']:.3f} / {100 * s['wrong']:.1f} / {s['impure']} / {s['split_pairs']}")
        lines.append(f"| {row['method']} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(
        f"{len(truth)} articles: semantic vectors in {vector_s:.2f} s ({1000 * vector_s / len(truth):.0f} ms an "
        f"article), TF-IDF and clustering all {len(truth)} in {cluster_ms:.1f} ms."
    )
    table = "\n".join(lines) + "\n\nThe mixed-stories warning of one brief request:\n\n" + "\n".join(warning_lines)
    print(table)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(rows, indent=2))
    (args.out / "results.md").write_text(table + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
