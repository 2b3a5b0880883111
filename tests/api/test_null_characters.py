"""A NUL character in any query parameter is a 400, never a 500 (PostgreSQL cannot compare such a text): every
documented GET parameter of the API, and the portal's own pages (portal/null_characters.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def _schema() -> dict[str, Any]:
    """The public schema, as /api/schema/ serves it."""
    # drf-spectacular is not annotated: its generator's calls are untyped.
    generator = SchemaGenerator()  # type: ignore[no-untyped-call]
    schema: dict[str, Any] = generator.get_schema(request=None, public=True)  # type: ignore[no-untyped-call]
    return schema


def _query_parameters() -> list[tuple[str, str]]:
    schema = _schema()
    return [
        (path, parameter["name"])
        for path, operations in schema["paths"].items()
        if "{" not in path and "get" in operations
        for parameter in operations["get"].get("parameters", [])
        if parameter["in"] == "query"
    ]


def test_every_api_query_parameter_refuses_a_nul_with_the_documented_400(lead_kiruna: User) -> None:
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(lead_kiruna)
    parameters = _query_parameters()
    assert len(parameters) >= 8
    answers = {(path, name): api.get(path, {name: "a\x00b"}) for path, name in parameters}
    assert {key: r.status_code for key, r in answers.items() if r.status_code != 400} == {}
    assert all("NUL" in r.json()["detail"] for r in answers.values())
    schema = _schema()
    assert all("400" in schema["paths"][path]["get"]["responses"] for path, _name in parameters)


def test_a_page_refuses_a_nul_in_its_address_in_the_readers_language(client: Client) -> None:
    response = client.get("/kunskap/", {"q": "bo\x00stad"})
    assert response.status_code == 400
    assert "NUL-tecken" in response.content.decode()  # Swedish first
