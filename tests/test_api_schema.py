"""Schemathesis against the app's own OpenAPI schema: every operation, valid and invalid
(negative) generated requests. Zero server errors, and every response conforms to the schema:
status codes, content types, bodies (one error shape everywhere), invalid data rejected."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from assistant.api.app import create_app
from tests.api_support import fake_settings

# No admin token: the re-index route answers 404 instead of re-ingesting on every example.
app = create_app(fake_settings(rate_limit="100000/minute"))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)
SEEN: Counter[int] = Counter()


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_schema_conformance_and_no_server_errors(case: schemathesis.Case) -> None:
    # Every built-in check but two. Pydantic's lax mode accepts 1 for true and "3" for 3, which
    # `negative_data_rejection` counts as accepting invalid data (wrong types that cannot be
    # coerced are refused: tests below). The service refuses some schema-valid input with a
    # clear 422 (a blank question, an unknown `llm` backend), which `positive_data_acceptance`
    # counts as rejecting valid data. Negative examples are still generated and sent.
    response = case.call_and_validate(
        excluded_checks=[negative_data_rejection, positive_data_acceptance]
    )
    SEEN[response.status_code] += 1
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error", "detail"}, body  # one error shape everywhere
        assert isinstance(body["error"], str) and body["error"]
        assert "Traceback" not in response.text


def test_zz_report_schema_counts() -> None:
    """Prints the status codes the generated requests got (named to run after them)."""
    print(f"\nschemathesis: {sum(SEEN.values())} requests, statuses {dict(sorted(SEEN.items()))}")
    assert not [code for code in SEEN if code >= 500]


# ---------------------------------------------------------------------------------------------
# Hand-made hostile bodies: each is a 4xx with a clear one-line message, never a 5xx.

JSON = {"content-type": "application/json"}
MALFORMED = "malformed JSON body"
HOSTILE_BODIES = [
    ("truncated", b'{"question": "research or', JSON, 422, MALFORMED),
    ("empty", b"", JSON, 422, "invalid request: body: Field required"),
    ("null", b"null", JSON, 422, "invalid request: body: Input should be a valid dictionary"),
    ("array", b"[1, 2]", JSON, 422, "invalid request: body: Input should be a valid dictionary"),
    ("not utf-8", b'{"question": "\xff\xfe"}', JSON, 400, MALFORMED),
    ("nested 60k deep", b"[" * 60_000, JSON, 400, MALFORMED),
    ("5000-digit number", b'{"question": "a", "profile": {"step2_ck": ' + b"9" * 5000 + b"}}",
     JSON, 400, MALFORMED),
    ("1e400", b'{"question": "a", "profile": {"us_letters": 1e400}}', JSON, 422,
     "invalid request: profile.us_letters: Input should be a finite number"),
    ("lone surrogate", b'{"question": "\\ud800 research?"}', JSON, 422,
     "invalid request: question: Input should be a valid string"),
    ("question list", b'{"question": ["a"]}', JSON, 422,
     "invalid request: question: Input should be a valid string"),
    ("profile string", b'{"question": "a", "profile": "x"}', JSON, 422,
     "invalid request: profile: Input should be a valid dictionary"),
    ("history object", b'{"question": "a", "history": {"a": 1}}', JSON, 422,
     "invalid request: history: Input should be a valid list"),
    ("llm number", b'{"question": "a", "llm": 5}', JSON, 422,
     "invalid request: llm: Input should be a valid string"),
    ("letters text", b'{"question": "a", "profile": {"us_letters": "many"}}', JSON, 422,
     "invalid request: profile.us_letters"),
    ("unknown backend", b'{"question": "a?", "llm": "evil:model"}', JSON, 422,
     "unknown answer backend"),
    ("form encoded", b"question=ok", {"content-type": "application/x-www-form-urlencoded"},
     422, "invalid request: body"),
    ("64 KiB + 1", b'{"question": "' + b"a" * 65_537 + b'"}', JSON, 413,
     "request body too large"),
    ("lying length", b'{"question": "a"}', {**JSON, "content-length": "99999999"}, 413,
     "request body too large"),
]  # fmt: skip


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


@pytest.mark.parametrize(
    ("body", "headers", "status", "message"),
    [case[1:] for case in HOSTILE_BODIES],
    ids=[case[0] for case in HOSTILE_BODIES],
)
@pytest.mark.parametrize("path", ["/api/ask", "/api/ask/stream"])
def test_hostile_bodies_are_a_clear_4xx(
    client: TestClient, path: str, body: bytes, headers: dict, status: int, message: str
) -> None:
    r = client.post(path, content=body, headers=headers)
    # The stream too: a bad backend is refused before the stream opens, not as an `error` event.
    assert r.status_code == status, r.text
    assert r.json()["error"].startswith(message), r.json()
    assert "Traceback" not in r.text


def test_chunked_oversize_body_without_length_is_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"question": "'
        for _ in range(100):
            yield b"x" * 1024

    r = client.post("/api/ask", content=chunks(), headers=JSON)
    assert r.status_code == 413
    assert r.json() == {"error": "request body too large", "detail": "limit is 65536 bytes"}


def test_wrong_method_is_405_naming_the_allowed_ones(client: TestClient) -> None:
    r = client.request("TRACE", "/api/ask")
    assert r.status_code == 405 and r.headers["allow"] == "POST"
    assert r.json() == {"error": "Method Not Allowed", "detail": None}
