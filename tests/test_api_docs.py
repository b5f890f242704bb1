"""The API's documentation as served: /docs and its assets from the app itself under the strict
CSP (tests/test_web_docs.py renders it in Chromium)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.api.security import CSP
from tests.api_support import fake_settings


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(fake_settings(), load=False)) as c:
        yield c


def test_docs_page_loads_only_files_of_this_app(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["content-security-policy"] == CSP  # no exception for /docs any more
    assert "http" not in page.text and "<script>" not in page.text  # no CDN, no inline script
    for path in ("/docs/assets/swagger-ui.css", "/docs/assets/swagger-ui-bundle.js"):
        assert path in page.text


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("swagger-ui-bundle.js", "javascript"),
        ("swagger-ui.css", "text/css"),
        ("favicon-32x32.png", "image/png"),
    ],
)
def test_swagger_assets_are_served(client: TestClient, name: str, kind: str) -> None:
    r = client.get(f"/docs/assets/{name}")
    assert r.status_code == 200 and kind in r.headers["content-type"]
    assert r.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "path",
    [
        "/docs/assets/index.html",  # the package's demo page, pointed at a public pet store
        "/docs/assets/swagger-initializer.js",
        "/docs/assets/swagger-ui-bundle.js.map",
        "/docs/assets/..%2F..%2Fapi%2Fdocs.py",
        "/docs/oauth2-redirect",
        "/redoc",  # off: one docs page, served locally
    ],
)
def test_nothing_else_is_served_under_docs(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 404 and r.json() == {"error": "Not Found", "detail": None}
