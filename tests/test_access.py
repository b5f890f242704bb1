"""Access: the admin route answers every wrong or missing token the same way and leaks nothing;
questions (which carry personal facts) stay out of the logs unless ADVISOR_LOG_QUESTIONS is on."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from tests.api_support import fake_settings

TOKEN = "s3cret-Admin-Token-7f3a9"
UNAUTHORIZED = {"error": "unauthorized", "detail": None}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(fake_settings(admin_token=TOKEN))) as c:
        yield c


WRONG_AUTH = {
    "missing": None,
    "empty": "",
    "scheme only": "Bearer",
    "scheme and space": "Bearer ",
    "wrong token": "Bearer nope",
    "token prefix": f"Bearer {TOKEN[:-1]}",
    "token plus a char": f"Bearer {TOKEN}x",
    "token case changed": f"Bearer {TOKEN.upper()}",
    "token without scheme": TOKEN,
    "basic scheme": f"Basic {TOKEN}",
    "two spaces": f"Bearer  {TOKEN}",
    "token twice": f"Bearer {TOKEN} {TOKEN}",
    "10k header": "Bearer " + "A" * 10_000,
    "control chars": "Bearer \x01\x7f",
}


@pytest.mark.parametrize("header", list(WRONG_AUTH.values()), ids=list(WRONG_AUTH))
def test_admin_rejects_missing_or_wrong_token_identically(
    client: TestClient, header: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    headers = {} if header is None else {"Authorization": header}
    r = client.post("/api/admin/reindex", headers=headers)
    assert r.status_code == 401
    assert r.json() == UNAUTHORIZED  # the same answer whatever is wrong: nothing to probe
    # Nothing about the expected token or the given value comes back or reaches the logs.
    assert "www-authenticate" not in r.headers
    assert TOKEN not in r.text and TOKEN[:6] not in r.text
    if header and header.split():
        assert header.split()[-1] not in r.text
    assert TOKEN not in caplog.text


def test_right_token_is_accepted_in_any_scheme_case(client: TestClient) -> None:
    for scheme in ("Bearer", "bearer"):
        r = client.post("/api/admin/reindex", headers={"Authorization": f"{scheme} {TOKEN}"})
        assert r.status_code == 200 and r.json()["documents"] == 5


def test_token_appears_nowhere_public(client: TestClient) -> None:
    for path in ("/api/health", "/openapi.json", "/", "/api/documents", "/v1/models"):
        assert TOKEN not in client.get(path).text, path
    assert client.get("/api/admin/reindex").status_code == 405  # POST only


def test_admin_route_without_a_configured_token_is_404_for_everyone() -> None:
    with TestClient(create_app(fake_settings())) as c:
        for header in (None, "Bearer ", "Bearer anything", f"Bearer {TOKEN}"):
            headers = {} if header is None else {"Authorization": header}
            r = c.post("/api/admin/reindex", headers=headers)
            assert r.status_code == 404 and r.json() == {"error": "not found", "detail": None}


# ---------------------------------------------------------------------------------------------
# Questions hold personal facts: not logged by default

SECRET = "Zyxwv-Step2-231-J1-visa-2016"
QUESTION = f"I graduated in 2016, {SECRET}, no USCE. Research or rotations first?"


def ask_everywhere(client: TestClient) -> None:
    """The question through every route that takes one, plus a refused one."""
    assert client.post("/api/ask", json={"question": QUESTION}).status_code == 200
    r = client.post("/api/ask/stream", json={"question": QUESTION})
    assert "event: final" in r.text
    r = client.post(
        "/v1/chat/completions",
        json={"model": "img-advisor", "messages": [{"role": "user", "content": QUESTION}]},
    )
    assert r.status_code == 200
    blank = client.post("/api/ask", json={"question": f"   {' ' * 3}"})
    assert blank.status_code == 422


@pytest.mark.parametrize("enabled", [False, True], ids=["default", "log_questions"])
def test_questions_are_logged_only_when_switched_on(
    caplog: pytest.LogCaptureFixture, enabled: bool
) -> None:
    settings = fake_settings(**({"log_questions": True} if enabled else {}))
    assert settings.log_questions is enabled
    caplog.set_level(logging.DEBUG)  # everything any logger says, not just the request log
    with TestClient(create_app(settings)) as client:
        ask_everywhere(client)
    asked = [r for r in caplog.records if r.name == "advisor.api" and "ask:" in r.getMessage()]
    assert len(asked) >= 3, caplog.text  # the request log is there either way
    assert all("verdict=USCE_URGENT" in r.getMessage() for r in asked[:3])
    if enabled:
        assert SECRET in caplog.text
    else:
        assert SECRET not in caplog.text
        assert "2016" not in " ".join(r.getMessage() for r in asked)


def test_log_questions_is_off_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ADVISOR_LOG_QUESTIONS", raising=False)
    assert fake_settings().log_questions is False
    monkeypatch.setenv("ADVISOR_LOG_QUESTIONS", "true")
    assert fake_settings().log_questions is True
