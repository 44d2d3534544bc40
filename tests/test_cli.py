"""The command line, run in-process through ``main`` with real models."""

import json

import pytest

from summarizer.cli import main


def test_brief_json_of_the_seeds(capsys, smollm, seeds):
    # smollm fixture: the model is provisioned; the CLI loads its own copy by name
    code = main(["brief", "seeds", "--format", "json", "--model", "smollm2-135m", "--max-sentences", "2"])
    out, err = capsys.readouterr()
    assert code == 0, err
    data = json.loads(out)
    assert 1 <= len(data["sentences"]) <= 2
    assert all(s["citations"] for s in data["sentences"])
    assert data["model"] == "smollm2-135m"
    assert {s["id"] for s in data["sources"]} == {a["id"] for a in seeds}
    assert "summarizer: done:" in err


def test_quiet_silences_progress(capsys, smollm):
    code = main(
        ["brief", "seeds", "--format", "markdown", "--model", "smollm2-135m", "--max-sentences", "1", "--quiet"]
    )
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    assert "[^1]:" in out


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"a.txt": b""}, "is empty"),
        ({"a.txt": b"\xff\xfe bad bytes"}, "not UTF-8"),
        ({"a.json": b'[{"id": "x", "text": "One fact."}, {"id": "x", "text": "Two facts."}]'}, "ids must be unique"),
        ({"a.json": b'{"id": "x", "text": ""}'}, "text is empty"),
    ],
)
def test_bad_input_exits_2_with_a_message_and_no_traceback(tmp_path, capsys, files, message):
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    code = main(["brief", str(tmp_path)])
    _, err = capsys.readouterr()
    assert code == 2
    assert message in err and "Traceback" not in err


def test_bad_options_and_unknown_model(capsys):
    assert main(["brief", "seeds", "--max-sentences", "0"]) == 2
    assert "max_sentences must be" in capsys.readouterr().err
    assert main(["brief", "seeds", "--model", "gpt-17"]) == 3
    assert "unknown model 'gpt-17'" in capsys.readouterr().err


def test_stream_emits_each_sentence_then_the_whole_brief(capsys, smollm):
    code = main(["brief", "seeds", "--stream", "--format", "markdown", "--model", "smollm2-135m", "--quiet"])
    out, _ = capsys.readouterr()
    assert code == 0
    events = [json.loads(line) for line in out.splitlines()]
    *sentences, final = events
    assert sentences and all(e["event"] == "sentence" for e in sentences)
    assert [e["number"] for e in sentences] == list(range(1, len(sentences) + 1))
    assert all(e["sentence"]["citations"] for e in sentences)
    assert final["event"] == "brief" and final["format"] == "markdown"
    # the streamed sentences are the brief's, in order
    body = final["text"].split("\n\n")[0]
    position = 0
    for event in sentences:
        position = body.index(event["sentence"]["text"], position)
