"""/api/search/ and /api/search/autocomplete/ in the OpenAPI schema (INTERFACES.md): both paths with their
parameters and response shape, answers that match it, and visibility whichever way the caller authenticates."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import user_with_role
from tests.knowledge.factories import make_lesson
from tests.openapi import assert_matches, resolve, response_schema
from themes.models import Municipality

pytestmark = pytest.mark.django_db

SEARCH = "/api/search/"
AUTOCOMPLETE = "/api/search/autocomplete/"
HIT_FIELDS = {"slug", "title", "url", "type", "municipality", "score", "highlight"}


@pytest.fixture
def pages(kiruna: Municipality, lulea: Municipality) -> None:
    make_lesson(title="Coworking i Kiruna", municipality=kiruna, visibility="public", slug="cw-public")
    make_lesson(title="Coworking för partner", municipality=lulea, visibility="partners", slug="cw-partners")
    make_lesson(title="Coworking internt", municipality=lulea, visibility="internal", slug="cw-internal")


def _parameters(schema: dict[str, Any], path: str) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}


def test_the_schema_documents_search_with_its_filters_and_answer(schema: dict[str, Any]) -> None:
    parameters = _parameters(schema, SEARCH)
    assert set(parameters) == {"q", "municipality", "type", "work_package", "phase", "page"}
    assert all(p["in"] == "query" for p in parameters.values())
    assert set(parameters["type"]["schema"]["enum"]) == {"lesson", "method", "exchange", "sprint"}
    assert parameters["page"]["schema"]["type"] == "integer"
    answer = resolve(schema, response_schema(schema, SEARCH))
    assert set(answer["properties"]) == {"query", "total", "suggestion", "facets", "results"}
    assert answer["properties"]["suggestion"]["nullable"] is True
    hit = resolve(schema, answer["properties"]["results"]["items"])
    assert set(hit["properties"]) == HIT_FIELDS
    assert hit["properties"]["municipality"]["nullable"] is True


def test_the_schema_documents_autocomplete(schema: dict[str, Any]) -> None:
    assert set(_parameters(schema, AUTOCOMPLETE)) == {"q"}
    answer = resolve(schema, response_schema(schema, AUTOCOMPLETE))
    assert set(answer["properties"]) == {"results"}
    assert answer["properties"]["results"]["items"]["type"] == "string"


def test_anonymous_answers_match_the_schema_and_show_public_pages_only(
    api: APIClient, schema: dict[str, Any], pages: None
) -> None:
    body = api.get(SEARCH, {"q": "coworking"}).json()
    assert_matches(schema, response_schema(schema, SEARCH), body)
    assert {r["slug"] for r in body["results"]} == {"cw-public"}
    titles = api.get(AUTOCOMPLETE, {"q": "cowork"}).json()
    assert_matches(schema, response_schema(schema, AUTOCOMPLETE), titles)
    assert titles["results"] == ["Coworking i Kiruna"]


def test_a_partner_with_a_token_sees_partner_pages_but_not_internal_ones(
    api: APIClient, schema: dict[str, Any], pages: None
) -> None:
    token = Token.objects.create(user=user_with_role("partner", username="p"))
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    body = api.get(SEARCH, {"q": "coworking"}).json()
    assert_matches(schema, response_schema(schema, SEARCH), body)
    assert {r["slug"] for r in body["results"]} == {"cw-public", "cw-partners"}
    assert sorted(api.get(AUTOCOMPLETE, {"q": "cowork"}).json()["results"]) == [
        "Coworking för partner",
        "Coworking i Kiruna",
    ]


def test_a_lead_session_sees_internal_pages(api: APIClient, pages: None) -> None:
    api.force_login(user_with_role("lead", "kiruna", username="l"))
    assert api.get(SEARCH, {"q": "coworking"}).json()["total"] == 3


def test_a_browser_asking_for_html_still_gets_the_contract_json(client: Client, pages: None) -> None:
    response = client.get(SEARCH, {"q": "Coworking"}, headers={"accept": "text/html"})
    assert response["Content-Type"] == "application/json"
    assert response.json()["query"] == "Coworking"


def test_a_wrong_page_number_is_the_first_page(api: APIClient, pages: None) -> None:
    assert api.get(SEARCH, {"q": "coworking", "page": "x"}).json()["total"] == 1
