"""Shared fixtures, and the rules for tests that need PostgreSQL, a real worker or Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from rest_framework.test import APIClient

from tests.factories import user_with_role
from tests.services import require
from themes.models import Municipality


@pytest.fixture(autouse=True)
def _service_markers(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("postgres"):
        request.getfixturevalue("db")
        require(
            connection.vendor == "postgresql",
            "needs PostgreSQL: runs in the PostgreSQL pass (make test-postgres)",
        )


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """A request to /en/… activates English for the thread; start and leave every test in Swedish, the default."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def kiruna(db: None) -> Municipality:
    return Municipality.objects.get(slug="kiruna")


@pytest.fixture
def lulea(db: None) -> Municipality:
    return Municipality.objects.get(slug="lulea")


@pytest.fixture
def coordinator(db: None) -> User:
    return user_with_role("coordinator", username="coord")


@pytest.fixture
def partner(db: None) -> User:
    return user_with_role("partner", username="partner1")


@pytest.fixture
def lead_kiruna(db: None) -> User:
    return user_with_role("lead", "kiruna", username="lead-kiruna")


@pytest.fixture
def analyst_kiruna(db: None) -> User:
    return user_with_role("analyst", "kiruna", username="analyst-kiruna")


@pytest.fixture
def lead_lulea(db: None) -> User:
    return user_with_role("lead", "lulea", username="lead-lulea")


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def schema(api: APIClient) -> dict[str, Any]:
    """The OpenAPI document the portal serves (check answers against it with tests/openapi.py)."""
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document
