"""Grouping articles into stories, measured on mixtures of the dev clusters (read in place).

Mixtures: all 28 Multi-News dev clusters' articles together (63 articles); the 3 MultiLing
clusters (30); both (93); and 28 hard mixtures of same-topic stories, each dev cluster with the
3 clusters whose articles are most similar to it (by centroid cosine). Per method and threshold:
adjusted Rand index and V-measure against the true clusters, the share of articles put in a
story whose majority is another true cluster, stories drawn from two or more true clusters
(impure: a brief would stitch events together), and true two-article stories split apart.
Articles go through the pipeline's own ingest → segment → clean (``prepare``) and
``group.article_vectors``, as the service reads them.

    python bench/grouping.py --out bench/results/grouping
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
from summarizer.embed import MiniLMEmbedder  # noqa: E402
from summarizer.group import article_vectors, cluster  # noqa: E402
from summarizer.pipeline import prepare  # noqa: E402

EVAL = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"
THRESHOLDS = [0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75]


def load() -> tuple[list, list, list[str], list[str]]:
    """(articles, kept sentences, true cluster per article, corpus per article)."""
    articles, sentences, truth, corpus = [], [], [], []
    for name in ("multinews_dev28.jsonl", "multiling2011_en3.jsonl"):
        for line in (EVAL / name).read_text().splitlines():
            row = json.loads(line)
            raw = [
                {
                    "id": f"{row['id']}:{number}",
                    **({"title": d["title"]} if d.get("title") else {}),
                    "text": "\n".join(d["sentences"]),
                }
                for number, d in enumerate(row["documents"])
            ]
            prepared = prepare(raw, require_usable=False)
            articles += prepared.articles
            sentences += prepared.cleaned.kept
            truth += [row["id"]] * len(prepared.articles)
            corpus += [name.split("_")[0]] * len(prepared.articles)
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


def hdbscan(vectors: np.ndarray) -> list[int]:
    distances = np.clip(1 - vectors @ vectors.T, 0, 2)
    labels = HDBSCAN(min_cluster_size=2, metric="precomputed").fit_predict(distances)
    # HDBSCAN's noise (-1) is each article on its own
    top = labels.max() + 1
    return [int(label) if label >= 0 else int(top + i) for i, label in enumerate(labels)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench/results/grouping"))
    args = parser.parse_args()
    embedder = MiniLMEmbedder()
    embedder.warm_up()
    articles, sentences, truth, corpus = load()
    started = time.perf_counter()
    vectors = article_vectors(articles, sentences, embedder)
    vector_s = time.perf_counter() - started
    truth_arr = np.array(truth)
    dev_ids = sorted({t for t, c in zip(truth, corpus, strict=True) if c == "multinews"})
    centroids = {t: vectors[truth_arr == t].mean(axis=0) for t in dev_ids}
    mixtures: dict[str, list[int]] = {
        "dev28 (63)": [i for i, c in enumerate(corpus) if c == "multinews"],
        "multiling (30)": [i for i, c in enumerate(corpus) if c == "multiling2011"],
        "all (93)": list(range(len(truth))),
    }
    hard = []
    for t in dev_ids:
        near = sorted(dev_ids, key=lambda o: -float(centroids[t] @ centroids[o]))[:4]  # itself + 3 nearest
        hard.append([i for i, x in enumerate(truth) if x in near])

    methods = {f"agglomerative t={t}": (lambda v, t=t: cluster(v, t)) for t in THRESHOLDS}
    methods["hdbscan min_cluster_size=2"] = hdbscan
    rows = []
    for method, run in methods.items():
        row: dict = {"method": method}
        for name, members in mixtures.items():
            row[name] = scores([truth[i] for i in members], run(vectors[members]))
        hard_scores = [scores([truth[i] for i in m], run(vectors[m])) for m in hard]
        row["hard (28 × 4 similar)"] = {
            "ari": statistics.mean(s["ari"] for s in hard_scores),
            "ari_min": min(s["ari"] for s in hard_scores),
            "v": statistics.mean(s["v"] for s in hard_scores),
            "wrong": statistics.mean(s["wrong"] for s in hard_scores),
            "impure": sum(s["impure"] for s in hard_scores),
            "split_pairs": sum(s["split_pairs"] for s in hard_scores),
        }
        rows.append(row)
    timing_started = time.perf_counter()
    cluster(vectors)
    cluster_ms = (time.perf_counter() - timing_started) * 1000

    # The warning on one brief request (pipeline._mixed_stories): each cluster sent alone should not
    # warn; two clusters sent together should be told apart (more than one group, none mixed).
    pairs = list(itertools.combinations(sorted(set(truth)), 2))
    random.Random(1).shuffle(pairs)
    warning_lines = ["| cut | single-story requests warned (false) | two-story requests told apart |", "|---|---|---|"]
    for threshold in (0.6, 0.65, 0.7, 0.75, 0.8, 0.85):
        false = sum(len(set(cluster(vectors[truth_arr == t], threshold))) > 1 for t in sorted(set(truth)))
        told = 0
        for a, b in pairs[:200]:
            members = (truth_arr == a) | (truth_arr == b)
            groups: dict[int, set[str]] = {}
            for true, label in zip(truth_arr[members], cluster(vectors[members], threshold), strict=True):
                groups.setdefault(label, set()).add(str(true))
            told += len(groups) > 1 and all(len(g) == 1 for g in groups.values())
        warning_lines.append(f"| {threshold} | {false} of {len(set(truth))} | {told} of 200 |")

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
        f"{len(truth)} articles: vectors in {vector_s:.2f} s ({1000 * vector_s / len(truth):.0f} ms an article), "
        f"clustering all {len(truth)} in {cluster_ms:.1f} ms."
    )
    table = "\n".join(lines) + "\n\nThe mixed-stories warning of one brief request:\n\n" + "\n".join(warning_lines)
    print(table)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(rows, indent=2))
    (args.out / "results.md").write_text(table + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
