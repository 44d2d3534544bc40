"""The HTTP API through the real app (FastAPI TestClient runs the lifespan)."""

import pytest
from fastapi.testclient import TestClient

from summarizer.api import create_app
from summarizer.pipeline import Summarizer


@pytest.fixture(scope="module")
def client(embedder, smollm):
    app = create_app(lambda: Summarizer(embedder, smollm))
    with TestClient(app) as client:
        yield client


def test_health_ready_and_models(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}
    names = [m["name"] for m in client.get("/v1/models").json()["models"]]
    assert "qwen2.5-coder-1.5b" in names


def test_brief_json_markdown_html(client, seeds):
    body = {"articles": seeds, "options": {"max_sentences": 2}}
    response = client.post("/v1/briefs", json=body)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["sentences"] and all(s["citations"] for s in data["sentences"])
    markdown = client.post("/v1/briefs?format=markdown", json=body)
    assert markdown.headers["content-type"].startswith("text/markdown") and "[^1]:" in markdown.text
    html = client.post("/v1/briefs?format=html", json=body)
    assert html.headers["content-type"].startswith("text/html") and "summarizer-brief" in html.text


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"articles": []}, 422, "articles"),
        ({"articles": [{"id": "a"}]}, 422, "articles.0.text"),
        ({"articles": [{"id": "a", "text": "x" * 10}], "options": {"max_sentences": 0}}, 422, "options.max_sentences"),
        (
            {"articles": [{"id": "a", "text": "Some fact here."}, {"id": "a", "text": "Other fact."}]},
            422,
            "articles[1].id",
        ),
        ({"articles": [{"id": str(i), "text": "A fact."} for i in range(21)]}, 413, "articles"),
        ({"articles": [{"id": "a", "text": "Word " * 20_000}]}, 413, "articles[0].text"),
        ({"articles": [{"id": "a", "text": "A fact."}], "options": {"model": "gpt-17"}}, 422, "options.model"),
    ],
)
def test_errors_are_json_naming_the_field(client, body, status, field):
    response = client.post("/v1/briefs", json=body)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["field"] == field and error["message"] and error["code"]


def test_malformed_json_is_a_client_error(client):
    response = client.post("/v1/briefs", content=b"{nope", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_json"
