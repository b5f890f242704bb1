"""Schemathesis against the app's own OpenAPI schema: generated requests, zero server errors."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings

from assistant.api.app import create_app
from tests.api_support import fake_settings

# No admin token: the re-index route answers 404 instead of re-ingesting on every example.
app = create_app(fake_settings(rate_limit="100000/minute"))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: schemathesis.Case) -> None:
    response = case.call()
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        body = response.json()
        assert "error" in body, body  # one error shape everywhere
