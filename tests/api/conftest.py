"""API fixtures: tokens of each scope and test clients that send them."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from factcheck.services.demo import load_samples
from factcheck.services.tokens import create_token


class ApiClient:
    """A test client that sends `Authorization: Bearer TOKEN` with every request."""

    def __init__(self, client: FlaskClient, token: str | None) -> None:
        self.client, self.token = client, token

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        auth = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return {**auth, **(extra or {})}

    def get(self, url: str, **kwargs: Any):
        return self.client.get(url, headers=self._headers(kwargs.pop("headers", None)), **kwargs)

    def post(self, url: str, **kwargs: Any):
        return self.client.post(url, headers=self._headers(kwargs.pop("headers", None)), **kwargs)


@pytest.fixture
def tokens(session, users) -> dict[str, str]:
    return {
        scope: create_token(
            session, email="editor@example.org", name=f"{scope} test", scope=scope
        ).secret
        for scope in ("read", "write")
    }


@pytest.fixture
def api(client: FlaskClient, tokens: dict[str, str]) -> ApiClient:
    return ApiClient(client, tokens["read"])


@pytest.fixture
def writer(client: FlaskClient, tokens: dict[str, str]) -> ApiClient:
    return ApiClient(client, tokens["write"])


@pytest.fixture
def demo(session, matcher) -> None:
    load_samples(session, matcher)


def assert_error(response, status: int, code: str | None = None) -> dict:
    """Assert RESPONSE is the API's JSON error with STATUS (and CODE); return the error."""
    assert response.status_code == status, response.text
    assert response.is_json and set(response.json) == {"error"}
    error = response.json["error"]
    assert set(error) == {"code", "message"} and error["message"]
    if code is not None:
        assert error["code"] == code
    return error
