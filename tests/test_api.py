"""Every route and every error of the HTTP API, through FastAPI's TestClient."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.api.schemas import AskRequest
from assistant.core.types import Answer
from tests.api_support import fake_settings


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(fake_settings(admin_token="s3cret-token"))) as c:
        yield c


def test_ask_returns_the_answer_contract(client: TestClient) -> None:
    r = client.post(
        "/api/ask",
        json={"question": "I graduated in 2016, no USCE, want IM. Research or rotations first?"},
    )
    assert r.status_code == 200
    answer = Answer.model_validate(r.json())
    assert answer.recommendation and answer.recommendation.verdict.value == "USCE_URGENT"
    assert answer.citations and all(c.verified for c in answer.citations)
    assert set(r.json()) >= {
        "question",
        "answer",
        "abstained",
        "abstain_reason",
        "recommendation",
        "profile",
        "citations",
        "sources_disagree",
        "backend",
        "guard",
        "timings_ms",
    }


def test_ask_with_profile_and_history(client: TestClient) -> None:
    r = client.post(
        "/api/ask",
        json={
            "question": "so research next?",
            "profile": {"usce_hands_on_months": 3, "us_letters": 3, "academic_aim": True},
            "history": [
                {"role": "user", "content": "I want academic internal medicine."},
                {"role": "assistant", "content": "ok"},
            ],
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["recommendation"]["verdict"] == "ADD_RESEARCH"


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"question": ""}, 422, "question is empty"),
        ({"question": "x" * 2001}, 422, "question is too long (limit 2000 characters)"),
        ({"question": "   "}, 422, "question is empty"),
        ({}, 422, "invalid request: question: Field required"),
        ({"question": 42}, 422, "invalid request: question"),
        ({"question": "ok?", "profile": {"us_letters": "many"}}, 422, "invalid request: profile"),
        ({"question": "ok?", "unknown": 1}, 422, "invalid request: unknown"),
        # Numbers no applicant can have, and a misspelt fact, are refused instead of decided on.
        (
            {"question": "ok?", "profile": {"usce_hands_on_months": float("nan")}},
            422,
            "invalid request: profile.usce_hands_on_months: Input should be a finite number",
        ),
        (
            {"question": "ok?", "profile": {"years_since_graduation": float("inf")}},
            422,
            "invalid request: profile.years_since_graduation: Input should be a finite number",
        ),
        (
            {"question": "ok?", "profile": {"usce_hands_on_months": -3}},
            422,
            "invalid request: profile.usce_hands_on_months: Input should be greater than or equal",
        ),
        (
            {"question": "ok?", "profile": {"step2_ck": 900}},
            422,
            "invalid request: profile.step2_ck: Input should be less than or equal to 300",
        ),
        (
            {"question": "ok?", "profile": {"usce_months": 3}},
            422,
            "invalid request: profile.usce_months: unknown key; the profile keys are "
            "graduation_year, years_since_graduation, is_student, step1, step2_ck, "
            "usce_hands_on_months, usce_other_months, usce_types, last_usce_year, usce_years_ago, "
            "us_letters, specialty, specialty_class, home_clinical_recent, research_output, "
            "unmatched_before, visa, can_afford_only_one, money_tight, academic_aim",
        ),
        # A specialty is one the lexicon knows (a question typed in the wrong box is not).
        (
            {"question": "ok?", "profile": {"specialty": "I graduated 6 years ago, no USCE"}},
            422,
            "invalid request: profile: unknown specialty 'I graduated 6 years ago, no USCE': "
            "GET /api/lexicon lists the ones the advisor knows",
        ),
    ],
)
def test_ask_bad_input_is_a_clear_422(
    client: TestClient, body: dict, status: int, message: str
) -> None:
    # json.dumps, not httpx's encoder, so NaN and Infinity go out as the literals clients send.
    content = json.dumps(body)
    r = client.post("/api/ask", content=content, headers={"content-type": "application/json"})
    assert r.status_code == status
    assert r.json()["error"].startswith(message)
    assert "Traceback" not in r.text


def test_every_specialty_the_page_offers_is_accepted(client: TestClient) -> None:
    # The page's choices are /api/lexicon's names; the abbreviations applicants write pass too.
    names = [s["name"] for s in client.get("/api/lexicon").json()["specialties"]]
    for name in [*names, "IM", "Derm", "Internal Medicine"]:
        AskRequest.model_validate({"question": "ok?", "profile": {"specialty": name}})
    r = client.post("/api/ask", json={"question": "ok?", "profile": {"specialty": names[-1]}})
    assert r.status_code == 200 and r.json()["profile"]["specialty"] == names[-1]


def test_malformed_json_and_oversize_body(client: TestClient) -> None:
    r = client.post("/api/ask", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["error"] == "malformed JSON body"
    big = json.dumps({"question": "a", "history": [{"role": "user", "content": "x" * 70_000}]})
    r = client.post("/api/ask", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert r.json() == {"error": "request body too large", "detail": "limit is 65536 bytes"}


def test_out_of_scope_is_an_abstention_not_an_error(client: TestClient) -> None:
    r = client.post("/api/ask", json={"question": "What dose of amoxicillin for otitis media?"})
    assert r.status_code == 200
    assert r.json()["abstained"] is True and r.json()["citations"] == []


def test_stream_emits_meta_then_final(client: TestClient) -> None:
    with client.stream(
        "POST", "/api/ask/stream", json={"question": "Do observerships count as USCE?"}
    ) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        body = "".join(r.iter_text())
    events = [line.split(": ", 1)[1] for line in body.splitlines() if line.startswith("event: ")]
    assert events[0] == "meta" and events[-1] == "final"
    final = next(b for b in body.split("\r\n\r\n") if "event: final" in b)
    data = final.split("data: ", 1)[1]
    assert Answer.model_validate_json(data).citations


def test_stream_validation_error_is_422(client: TestClient) -> None:
    assert client.post("/api/ask/stream", json={"question": ""}).status_code == 422


def test_documents_list_and_detail(client: TestClient) -> None:
    docs = client.get("/api/documents").json()
    assert {d["doc_id"] for d in docs} == {
        "hands-on-usce-vs-research",
        "prioritize-usce-or-research",
        "clinical-experience-for-imgs",
        "types-of-usce",
        "clinical-research-unmatched-imgs",
    }
    assert all(d["chunks"] > 0 for d in docs)
    rotations = next(d for d in docs if d["doc_id"] == "types-of-usce")
    assert rotations["kind"] == "commercial" and rotations["commercial_interest"] is True
    # Offsets in an answer index into the text this route returns.
    answer = client.post("/api/ask", json={"question": "Do observerships count as USCE?"}).json()
    for c in answer["citations"]:
        text = client.get(f"/api/documents/{c['doc_id']}").json()["text"]
        assert " ".join(text[c["start"] : c["end"]].split()) == c["quote"]


def test_unknown_document_is_404(client: TestClient) -> None:
    r = client.get("/api/documents/no-such-doc")
    assert r.status_code == 404 and r.json()["error"] == "no document 'no-such-doc'"


def test_health(client: TestClient) -> None:
    h = client.get("/api/health").json()
    assert h["ready"] is True and h["index"]["documents"] == 5
    assert h["backend"] == "grounded" and h["version"]


def test_openai_compatible_routes(client: TestClient) -> None:
    assert client.get("/v1/models").json()["data"][0]["id"] == "img-advisor"
    r = client.post(
        "/v1/chat/completions",
        json={
            "model": "img-advisor",
            "messages": [
                {"role": "system", "content": "be nice"},
                {"role": "user", "content": "What counts as hands-on USCE?"},
            ],
        },
    )
    assert r.status_code == 200
    body = r.json()
    assert body["object"] == "chat.completion"
    assert "**Sources**" in body["choices"][0]["message"]["content"]
    assert body["img_advisor"]["citations"]
    r = client.post(
        "/v1/chat/completions",
        json={"model": "img-advisor", "messages": [{"role": "assistant", "content": "hi"}]},
    )
    assert r.status_code == 422 and "last message must be from the user" in r.json()["error"]


def test_admin_reindex_requires_the_token(client: TestClient) -> None:
    assert client.post("/api/admin/reindex").status_code == 401
    wrong = client.post("/api/admin/reindex", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.json() == {"error": "unauthorized", "detail": None}
    ok = client.post("/api/admin/reindex", headers={"Authorization": "Bearer s3cret-token"})
    assert ok.status_code == 200 and ok.json()["documents"] == 5


def test_admin_reindex_is_404_without_a_configured_token() -> None:
    with TestClient(create_app(fake_settings())) as c:
        assert (
            c.post("/api/admin/reindex", headers={"Authorization": "Bearer x"}).status_code == 404
        )


def test_rate_limit_is_429() -> None:
    with TestClient(create_app(fake_settings(rate_limit="3/minute"))) as c:
        codes = [c.get("/api/documents").status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]


def test_no_index_is_503_naming_ingest(tmp_path: Path) -> None:
    with TestClient(create_app(fake_settings(data_dir=tmp_path / "empty"))) as c:
        r = c.post("/api/ask", json={"question": "Do observerships count?"})
        assert r.status_code == 503
        assert "advisor ingest" in r.json()["detail"]
        assert c.get("/api/health").json()["ready"] is False


def test_app_recovers_when_the_index_appears(tmp_path: Path) -> None:
    from tests.api_support import fake_index_dir

    data = tmp_path / "later"
    with TestClient(create_app(fake_settings(data_dir=data))) as c:
        assert c.get("/api/documents").status_code == 503
        shutil.copytree(fake_index_dir(), data)
        import assistant.api.state as state

        c.app.state.holder._last_try = 0.0  # skip the 2 s back-off instead of sleeping
        assert c.get("/api/documents").status_code == 200
        assert state.RETRY_SECONDS > 0


def test_cors_closed_by_default_and_open_when_configured() -> None:
    preflight = {"Origin": "https://example.org", "Access-Control-Request-Method": "POST"}
    with TestClient(create_app(fake_settings())) as c:
        r = c.options("/api/ask", headers=preflight)
        assert "access-control-allow-origin" not in r.headers
    with TestClient(create_app(fake_settings(cors_origins=["https://example.org"]))) as c:
        r = c.options("/api/ask", headers=preflight)
        assert r.headers["access-control-allow-origin"] == "https://example.org"


def test_openapi_has_examples_for_ask(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert schema["components"]["schemas"]["AskRequest"]["examples"]
    assert "/v1/chat/completions" in schema["paths"]


def test_page_and_security_headers(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert client.get("/api/health").headers["x-frame-options"] == "DENY"
