"""Fuzzing the HTTP API: schemathesis against the served OpenAPI spec, on a real server.

Starts uvicorn (SmolLM2 by default, so the valid requests that reach the LLM cost ~1 s, not
~15) with an empty result cache, runs ``schemathesis run`` with ``--checks
not_a_server_error`` plus the response-schema checks, and counts the requests actually sent
from its HAR log.

One schemathesis run generated ~330 requests here (its fuzzing phase stops early on this small
spec), so ``--rounds`` repeats it with seeds ``--seed``, ``--seed + 1``, ... and sums.

    python bench/fuzz.py --rounds 4 --out bench/results/fuzz
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from server import serving  # bench/ is on sys.path when run as a script

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=150, help="per operation and phase")
    parser.add_argument("--model", default="smollm2-135m", help="SUMMARIZER_MODEL for the server")
    parser.add_argument("--seed", type=int, default=1, help="seed of the first round")
    parser.add_argument("--rounds", type=int, default=4, help="schemathesis runs, one seed each")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "fuzz")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    executable = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    if not executable:
        parser.error("schemathesis is not installed: `make setup-dev`")
    entries, exits, outputs = [], [], []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as cache_folder:
        env = {"SUMMARIZER_MODEL": args.model, "SUMMARIZER_CACHE": str(Path(cache_folder) / "cache.sqlite")}
        with serving(args.out / "server.log", **env) as (_, base):
            for seed in range(args.seed, args.seed + args.rounds):
                har = args.out / f"requests-seed{seed}.har"
                result = subprocess.run(
                    [
                        executable, "run", f"{base}/openapi.json",
                        "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,"
                        "response_schema_conformance",
                        "--max-examples", str(args.max_examples), "--seed", str(seed),
                        "--workers", "1", "--request-timeout", "120",
                        "--report", "har", "--report-har-path", str(har),
                    ],
                    capture_output=True,
                    text=True,
                )  # fmt: skip
                exits.append(result.returncode)
                outputs.append(f"# seed {seed}\n{result.stdout}{result.stderr}")
                entries += json.loads(har.read_text())["log"]["entries"] if har.is_file() else []
                print(f"seed {seed}: exit {result.returncode}, {len(entries)} requests so far", flush=True)
    seconds = time.perf_counter() - started
    (args.out / "schemathesis.txt").write_text("\n".join(outputs))
    statuses = Counter(e["response"]["status"] for e in entries)
    report = {
        "requests": len(entries),
        "by_status": dict(sorted(statuses.items())),
        "server_errors": sum(n for s, n in statuses.items() if s >= 500),
        "schemathesis_exits": exits,
        "seconds": round(seconds),
        "command": "python bench/fuzz.py " + " ".join(argv if argv is not None else sys.argv[1:]),
    }
    (args.out / "summary.json").write_text(json.dumps(report, indent=1))
    print(json.dumps(report, indent=1))
    return 0 if not any(exits) and report["server_errors"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
