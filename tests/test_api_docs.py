"""The API's documentation as served: /docs and its assets from the app itself under the strict
CSP (tests/test_web_docs.py renders it in Chromium), and an OpenAPI schema that describes every
field of the Answer and of each block kind."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

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


# ---------------------------------------------------------------------------------------------
# The schema


def _refs(node: Any) -> Iterator[str]:
    """Names of the component schemas a schema node refers to, at any depth."""
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"].rsplit("/", 1)[-1]
        for key, value in node.items():
            if key != "examples":
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _answer_schemas(client: TestClient) -> dict[str, dict[str, Any]]:
    """The Answer's schema and every object schema it reaches (citations, blocks, items …)."""
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    seen: dict[str, dict[str, Any]] = {}
    todo = ["Answer"]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen[name] = schemas[name]
            todo.extend(_refs(schemas[name]))
    return seen


def test_every_answer_and_block_field_is_described(client: TestClient) -> None:
    reached = _answer_schemas(client)
    assert {"Citation", "Recommendation", "Item", "NoticeBlock", "EvidenceBlock"} <= set(reached)
    missing = [
        f"{name}.{field}"
        for name, schema in reached.items()
        for field, prop in schema.get("properties", {}).items()
        if not str(prop.get("description", "")).strip()
    ]
    assert missing == []
    undescribed = [n for n, s in reached.items() if not str(s.get("description", "")).strip()]
    assert undescribed == []


def test_every_block_kind_has_an_example_of_its_own_kind(client: TestClient) -> None:
    reached = _answer_schemas(client)
    mapping = reached["Answer"]["properties"]["blocks"]["items"]["discriminator"]["mapping"]
    for kind, ref in mapping.items():
        examples = reached[ref.rsplit("/", 1)[-1]].get("examples")
        assert examples, kind
        assert all(example["kind"] == kind for example in examples), kind
