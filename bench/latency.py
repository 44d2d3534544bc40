"""Latency benchmark: where a brief's time goes, side by side with what a user would otherwise do.

Inputs: the seeds (2 articles) and a 5-article cluster (dev28's largest has 4 articles, so
the first 5 articles of MultiLing's M000 by default; ``--cluster``/``--articles`` change it).
Systems, each in its own process so that peak RSS is its own:

- ``brief``: this project with the default model (service defaults: 5 sentences, 150 words);
- ``brief-0.5b``: the same with Qwen2.5-Coder-0.5B;
- ``stuff``: the default model given all articles in one prompt (cut to its context) and asked
  for a brief of the same length, which is what a generic LLM pipeline does.

Per system and input, ``--runs`` runs after one warm-up run: end-to-end median/min/max, stage
medians, prompt/cached/generated tokens, prompt and decode tokens/s, time to first sentence
(streamed; for stuff, the whole answer), ROUGE-2 against the cluster's references at the
brief's length, and peak RSS. ``--schedule`` instead times the brief of the seeds under each
decoding schedule (thread counts for prompt and decode, prompt cache on/off).

    python bench/latency.py --runs 5 --out bench/results/latency
    python bench/latency.py --schedule --runs 3 --out bench/results/schedule
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from quality import DATA, ROOT, as_text, rouge, stuff_generation  # bench/ is on sys.path when run as a script
from server import proc_status_mb

from summarizer.brief.pipeline import BriefOptions, Summarizer
from summarizer.models.embed import MiniLMEmbedder
from summarizer.models.generate import LlamaCppGenerator
from summarizer.models.registry import DEFAULT_MODEL, MODELS, model_path
from summarizer.nlp.punkt_data import ensure_punkt_data
from summarizer.service.files import read_articles

SYSTEMS = {"brief": DEFAULT_MODEL, "brief-0.5b": "qwen2.5-coder-0.5b", "stuff": DEFAULT_MODEL}
OPTIONS = BriefOptions()  # what the CLI and the API give by default
NON_LLM_STAGES = ("ingest", "segment", "clean", "embed", "dedup", "plan", "cite", "check")
# (decode threads, prompt threads, prompt cache) tried by --schedule; 2 vCPUs here
SCHEDULES = ((1, 2, True), (2, 2, True), (1, 1, True), (1, 2, False))


def inputs(cluster_id: str, count: int) -> dict[str, dict[str, Any]]:
    seeds = read_articles([ROOT / "seeds"])
    for name in ("multinews_dev28.jsonl", "multiling2011_en3.jsonl"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row["id"] == cluster_id:
                documents = row["documents"][:count]
                articles = [
                    {"id": f"d{i}", "text": "\n".join(s.strip() for s in d["sentences"] if s.strip())}
                    for i, d in enumerate(documents)
                ]
                references = row.get("references") or [row["reference"]]
                return {
                    "seeds": {"articles": seeds, "references": None},
                    f"{cluster_id}[:{count}]": {"articles": articles, "references": references},
                }
    raise SystemExit(f"cluster {cluster_id!r} not found in {DATA}")


def one_system(system: str, args: argparse.Namespace, schedule: tuple[int, int, bool] | None = None) -> dict:
    """All runs of one system (in this process): per input, the runs' measurements."""
    ensure_punkt_data()
    decode_threads, prompt_threads, cache = schedule or (0, 2, True)  # 0: the model's own default
    # Stuff is one call per brief: a prompt cache would only serve the identical repeated
    # prompts of this benchmark, which a real user never sends (the service's result cache does).
    cache = cache and system != "stuff"
    generator = LlamaCppGenerator(
        model_path(SYSTEMS[system]),
        name=SYSTEMS[system],
        decode_threads=decode_threads if schedule else MODELS[SYSTEMS[system]].decode_threads,
        prompt_threads=prompt_threads,
        cache_prompt=cache,
    )
    # No embedding cache: every measured run is a new story, not a replay of the warm-up run.
    summarizer = Summarizer(MiniLMEmbedder(cache_size=0), generator)
    started = time.perf_counter()
    summarizer.warm_up()
    out: dict[str, Any] = {"load_s": round(time.perf_counter() - started, 2), "inputs": {}}
    chosen = inputs(args.cluster, args.articles)
    if schedule:
        chosen = {"seeds": chosen["seeds"]}
    for name, data in chosen.items():
        runs = []
        for run in range(args.runs + 1):  # run 0 warms caches and is not counted
            print(f"{system} {name} run {run}/{args.runs}", file=sys.stderr, flush=True)
            first: list[float] = []
            t0 = time.perf_counter()
            if system == "stuff":
                words = OPTIONS.max_words
                generation = stuff_generation(
                    [a["text"] for a in data["articles"]],
                    generator,
                    args.stuff_context_chars,
                    words=words,
                    max_tokens=2 * words + 100,
                )
                seconds = time.perf_counter() - t0
                from nltk.tokenize import sent_tokenize

                sentences = sent_tokenize(generation.text.replace("\n", " "))
                entry = {
                    "seconds": seconds,
                    "first_sentence_s": seconds,  # an unstreamed answer arrives whole
                    "stages_ms": {"write": seconds * 1000},
                    "llm_calls": 1,
                    "prompt_tokens": generation.prompt_tokens,
                    "cached_tokens": generation.cached_tokens,
                    "completion_tokens": generation.completion_tokens,
                    "prompt_ms": generation.prompt_ms,
                    "decode_ms": generation.decode_ms,
                }
            else:
                brief = summarizer.brief(
                    data["articles"],
                    OPTIONS,
                    on_sentence=lambda *_, first=first, t0=t0: first.append(time.perf_counter() - t0),
                )
                seconds = time.perf_counter() - t0
                sentences = [s.text for s in brief.sentences]
                entry = {
                    "seconds": seconds,
                    "first_sentence_s": first[0] if first else seconds,
                    "stages_ms": {k: v for k, v in brief.timings_ms.items() if k not in ("total", "first_sentence")},
                    **brief.usage,
                    "extractive": sum(s.extractive for s in brief.sentences),
                }
            entry["sentences"] = sentences
            entry["words"] = len(" ".join(sentences).split())
            if run:
                runs.append(entry)
        out["inputs"][name] = runs
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec, so this child would report its parent's peak
    out["peak_rss_mb"] = round(proc_status_mb("VmHWM"))
    return out


class Recording:
    """A generator that records every request it passes on (to replay a brief's LLM calls)."""

    def __init__(self, generator: LlamaCppGenerator) -> None:
        self.generator, self.name, self.calls = generator, generator.name, []

    def warm_up(self) -> None:
        self.generator.warm_up()

    def generate(self, messages, *, max_tokens, grammar=None):
        self.calls.append((list(messages), max_tokens, grammar))
        return self.generator.generate(messages, max_tokens=max_tokens, grammar=grammar)


def parallel_slots(args: argparse.Namespace) -> dict[str, Any]:
    """The seeds' LLM calls replayed as llama.cpp requests: one after another in one slot,
    then all at once in 2 and 4 slots (each slot a thread here; prompt cache off everywhere,
    so only the schedule differs)."""
    import threading

    import xllamacpp

    ensure_punkt_data()
    recorder = Recording(LlamaCppGenerator(model_path(DEFAULT_MODEL), cache_prompt=False))
    Summarizer(MiniLMEmbedder(), recorder).brief(inputs(args.cluster, args.articles)["seeds"]["articles"], OPTIONS)
    calls = recorder.calls
    del recorder
    out: dict[str, Any] = {"calls": len(calls)}
    for slots, decode_threads in ((1, 1), (2, 1), (2, 2), (4, 2)):
        params = xllamacpp.CommonParams()
        params.model.path = str(model_path(DEFAULT_MODEL))
        params.n_ctx = 4096 * slots
        params.n_parallel = slots
        params.cpuparams.n_threads = decode_threads
        params.cpuparams_batch.n_threads = 2
        params.sampling.temp = 0.0
        params.verbosity = -1
        server = xllamacpp.Server(params)

        def one(messages, max_tokens, grammar, server=server):
            request = {"messages": messages, "max_tokens": max_tokens, "temperature": 0.0, "cache_prompt": False}
            server.handle_chat_completions({**request, **({"grammar": grammar} if grammar else {})})

        one(*calls[0])  # warm-up
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            if slots == 1:
                for call in calls:
                    one(*call)
            else:
                threads = [threading.Thread(target=one, args=call) for call in calls]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
            times.append(time.perf_counter() - started)
        out[f"{slots} slot(s), decode {decode_threads} thread(s)"] = {
            "median_s": round(statistics.median(times), 2),
            "min_s": round(min(times), 2),
            "max_s": round(max(times), 2),
        }
        print(out, file=sys.stderr, flush=True)
        del server
    return out


def in_subprocess(system: str, args: argparse.Namespace, schedule: tuple[int, int, bool] | None = None) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as result:
        command = [sys.executable, __file__, "--one", system, "--out", result.name, "--runs", str(args.runs)]
        command += ["--cluster", args.cluster, "--articles", str(args.articles)]
        command += ["--stuff-context-chars", str(args.stuff_context_chars)]
        if schedule:
            command += ["--one-schedule", ",".join(str(int(x)) for x in schedule)]
        subprocess.run(command, check=True)
        return json.loads(Path(result.name).read_text())


def summarize(runs: list[dict[str, Any]], references: list[str] | None, brief_words: int | None) -> dict[str, Any]:
    seconds = [r["seconds"] for r in runs]
    stages = {k: statistics.median(r["stages_ms"].get(k, 0.0) for r in runs) / 1000 for k in runs[0]["stages_ms"]}
    non_llm = sum(v for k, v in stages.items() if k in NON_LLM_STAGES)
    median = statistics.median

    def rate(tokens: str, ms: str) -> float:
        return round(
            sum(r[tokens] - (r["cached_tokens"] if tokens == "prompt_tokens" else 0) for r in runs)
            / max(sum(r[ms] for r in runs) / 1000, 1e-9),
            1,
        )

    out = {
        "median_s": round(median(seconds), 2),
        "min_s": round(min(seconds), 2),
        "max_s": round(max(seconds), 2),
        "first_sentence_s": round(median(r["first_sentence_s"] for r in runs), 2),
        "stages_s": {k: round(v, 3) for k, v in stages.items()},
        "non_llm_share": round(non_llm / median(seconds), 3),
        "llm_calls": runs[0]["llm_calls"],
        "prompt_tokens": runs[0]["prompt_tokens"],
        "cached_tokens": runs[0]["cached_tokens"],
        "completion_tokens": runs[0]["completion_tokens"],
        "prompt_tok_s": rate("prompt_tokens", "prompt_ms"),
        "decode_tok_s": rate("completion_tokens", "decode_ms"),
        "words": runs[0]["words"],
        "identical_runs": all(r["sentences"] == runs[0]["sentences"] for r in runs),
    }
    if references:
        limit = brief_words or runs[0]["words"]
        out["rouge2_at_brief_length"] = round(rouge(as_text(runs[0]["sentences"], limit), references)["rouge2"], 2)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="measured runs per input, after one warm-up run")
    parser.add_argument("--systems", default=",".join(SYSTEMS), help=f"comma-separated, from {','.join(SYSTEMS)}")
    parser.add_argument("--cluster", default="multiling2011-M000")
    parser.add_argument("--articles", type=int, default=5, help="articles of --cluster to use")
    parser.add_argument("--stuff-context-chars", type=int, default=11_000)
    parser.add_argument("--schedule", action="store_true", help="compare decoding schedules on the seeds instead")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "latency")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: run one system in this process
    parser.add_argument("--one-schedule", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.one:
        schedule = None
        if args.one_schedule:
            decode, prompt, cache = (int(x) for x in args.one_schedule.split(","))
            schedule = (decode, prompt, bool(cache))
        args.out.write_text(json.dumps(one_system(args.one, args, schedule)))  # type: ignore[arg-type]
        return 0
    systems = [s for s in args.systems.split(",") if s]
    if unknown := set(systems) - set(SYSTEMS):
        parser.error(f"unknown systems {sorted(unknown)}; choose from {', '.join(SYSTEMS)}")
    args.out.mkdir(parents=True, exist_ok=True)
    command = "python bench/latency.py " + " ".join(argv if argv is not None else sys.argv[1:])
    if args.schedule:
        slots = parallel_slots(args)
        (args.out / "slots.json").write_text(json.dumps(slots, indent=1))
        print("parallel slots (the seeds' LLM calls replayed):", json.dumps(slots, indent=1))
        raw = {
            f"decode {d} / prompt {p} threads, cache {'on' if c else 'off'}": in_subprocess("brief", args, (d, p, c))
            for d, p, c in SCHEDULES
        }
    else:
        raw = {system: in_subprocess(system, args) for system in systems}
    references = {name: data["references"] for name, data in inputs(args.cluster, args.articles).items()}
    summary: dict[str, Any] = {"command": command, "date": time.strftime("%Y-%m-%d"), "systems": {}}
    for system, data in raw.items():
        summary["systems"][system] = {"load_s": data["load_s"], "peak_rss_mb": data["peak_rss_mb"], "inputs": {}}
        for name, runs in data["inputs"].items():
            brief_runs = raw.get("brief", {}).get("inputs", {}).get(name)
            brief_words = brief_runs[0]["words"] if brief_runs else None
            summary["systems"][system]["inputs"][name] = summarize(runs, references[name], brief_words)
    (args.out / "runs.json").write_text(json.dumps(raw, indent=1, ensure_ascii=False))
    (args.out / "summary.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False))
    rendered = table(summary)
    (args.out / "table.md").write_text(rendered)
    print(rendered)
    return 0


def table(summary: dict[str, Any]) -> str:
    header = [
        "system",
        "input",
        "median s (min–max)",
        "first sentence s",
        "non-LLM share",
        "LLM calls",
        "prompt tok (cached)",
        "generated tok",
        "prompt tok/s",
        "decode tok/s",
        "ROUGE-2",
        "identical runs",
        "peak RSS MB",
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for system, data in summary["systems"].items():
        for name, s in data["inputs"].items():
            lines.append(
                "| "
                + " | ".join(
                    [
                        system,
                        name,
                        f"{s['median_s']:.1f} ({s['min_s']:.1f}–{s['max_s']:.1f})",
                        f"{s['first_sentence_s']:.1f}",
                        f"{100 * s['non_llm_share']:.1f}%",
                        str(s["llm_calls"]),
                        f"{s['prompt_tokens']} ({s['cached_tokens']})",
                        str(s["completion_tokens"]),
                        f"{s['prompt_tok_s']:.0f}",
                        f"{s['decode_tok_s']:.1f}",
                        f"{s['rouge2_at_brief_length']:.1f}" if "rouge2_at_brief_length" in s else "–",
                        "yes" if s["identical_runs"] else "no",
                        str(data["peak_rss_mb"]),
                    ]
                )
                + " |"
            )
    return "\n".join(lines) + f"\n\n{summary['date']}; command: `{summary['command']}`\n"


if __name__ == "__main__":
    raise SystemExit(main())
