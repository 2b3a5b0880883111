"""/api/schema/ documents what the API answers when it refuses (#17): 400, 403 and 404 with their bodies where they
happen, and the not-blank and length constraints of the request bodies; the real error answers have those bodies."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from tests.sprints.conftest import make_sprint
from themes.models import Municipality

pytestmark = pytest.mark.django_db

OPERATIONS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def schema() -> dict[str, Any]:
    response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema: dict[str, Any] = response.json()
    return schema


def _operations(schema: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in schema["paths"].items():
        for method in OPERATIONS:
            if method in item:
                yield path, method, item[method]


def _error_body(operation: dict[str, Any], code: int | str) -> str:
    response = operation["responses"].get(str(code))
    assert response is not None, code
    assert response["description"]
    ref: str = response["content"]["application/json"]["schema"]["$ref"]
    return ref.rsplit("/", 1)[1]


def test_the_error_bodies_are_components(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    assert components["Error"]["required"] == ["detail"]
    assert components["Error"]["properties"]["detail"]["type"] == "string"
    messages = components["ValidationError"]["additionalProperties"]["oneOf"]
    assert {"type": "string"} in messages
    assert {"type": "array", "items": {"type": "string"}} in messages


def test_every_operation_on_one_object_documents_404(schema: dict[str, Any]) -> None:
    with_ids = [(p, m, op) for p, m, op in _operations(schema) if "{" in p]
    assert len(with_ids) >= 9
    for path, method, operation in with_ids:
        assert _error_body(operation, 404) == "Error", (method, path)


def test_every_operation_with_a_body_documents_400_and_403(schema: dict[str, Any]) -> None:
    writes = [(p, m, op) for p, m, op in _operations(schema) if "requestBody" in op]
    assert {(p, m) for p, m, _ in writes} >= {
        ("/api/sprints/", "post"),
        ("/api/sprints/{id}/", "patch"),
        ("/api/sprints/{id}/", "put"),
        ("/api/sprints/{id}/results/", "post"),
        ("/api/sprints/{id}/results/{result_id}/", "patch"),
        ("/api/sprints/{sprint_id}/comments/", "post"),
    }
    for path, method, operation in writes:
        assert _error_body(operation, 400) == "ValidationError", (method, path)
        assert _error_body(operation, 403) == "Error", (method, path)


@pytest.mark.parametrize(
    ("path", "method", "codes"),
    [
        (
            "/api/sprints/",
            "get",
            {"400": "ValidationError", "404": "Error"},
        ),  # unknown status; page past the end
        ("/api/action-plans/", "get", {"400": "ValidationError"}),  # unknown municipality
        ("/api/insights/shared-segments/", "get", {"403": "Error"}),
        ("/api/notifications/", "get", {"403": "Error"}),
        ("/api/people/mentions/", "get", {"403": "Error"}),
        ("/api/sprints/{id}/results/{result_id}/", "delete", {"403": "Error", "404": "Error"}),
    ],
)
def test_the_refusals_of_reads_and_deletes_are_documented(
    schema: dict[str, Any], path: str, method: str, codes: dict[str, str]
) -> None:
    operation = schema["paths"][path][method]
    assert {code: _error_body(operation, code) for code in codes} == codes


def test_the_search_api_documents_only_the_refusal_it_can_give(schema: dict[str, Any]) -> None:
    # Search never refuses a query; only a NUL in the address is refused, before the view (portal/null_characters.py).
    responses = schema["paths"]["/api/search/"]["get"]["responses"]
    assert set(responses) == {"200", "400"}
    assert "NUL" in responses["400"]["description"]


def _request_component(schema: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    body = schema["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    properties: dict[str, Any] = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]["properties"]
    return properties


def test_required_text_is_documented_not_blank_with_its_length(schema: dict[str, Any]) -> None:
    sprint = _request_component(schema, "/api/sprints/", "post")
    assert (sprint["title"]["minLength"], sprint["title"]["maxLength"]) == (1, 200)
    assert sprint["goal"]["minLength"] == 1
    assert sprint["team_note"]["maxLength"] == 300
    assert "minLength" not in sprint["team_note"]  # may be blank
    assert "id" not in sprint  # read-only fields are not asked of the caller
    result = _request_component(schema, "/api/sprints/{id}/results/", "post")
    assert (result["metric"]["minLength"], result["metric"]["maxLength"]) == (1, 160)
    assert "minLength" not in result["unit"]
    patched = _request_component(schema, "/api/sprints/{id}/results/{result_id}/", "patch")
    assert patched["metric"]["minLength"] == 1
    comment = _request_component(schema, "/api/sprints/{sprint_id}/comments/", "post")
    assert (comment["body"]["minLength"], comment["body"]["maxLength"]) == (1, 5000)


def _assert_is(body: object, component: str) -> None:
    """The two error bodies: {"detail": text}, or a map of field → text or list of texts."""
    assert isinstance(body, dict)
    assert body
    if component == "Error":
        assert set(body) == {"detail"}
        assert isinstance(body["detail"], str)
    else:
        for messages in body.values():
            assert isinstance(messages, str) or all(isinstance(m, str) for m in messages), body


def test_the_answers_have_the_documented_bodies(
    lead_kiruna: User, lead_lulea: User, kiruna: Municipality
) -> None:
    sprint = make_sprint(lead_kiruna, kiruna)
    lead = APIClient()
    lead.force_authenticate(lead_kiruna)
    blank = lead.post(
        f"/api/sprints/{sprint.pk}/results/", {"metric": "", "actual": "1", "date": "2027-01-01"}
    )
    assert blank.status_code == 400
    _assert_is(blank.json(), "ValidationError")
    assert "metric" in blank.json()
    status = lead.get("/api/sprints/", {"status": "nonsense"})
    assert status.status_code == 400
    _assert_is(status.json(), "ValidationError")
    other = APIClient()
    other.force_authenticate(lead_lulea)
    refused = other.patch(f"/api/sprints/{sprint.pk}/", {"title": "Nytt"}, format="json")
    assert refused.status_code == 403
    _assert_is(refused.json(), "Error")
    anonymous = APIClient().get(f"/api/sprints/{sprint.pk}/")  # internal: not there for the anonymous
    assert anonymous.status_code == 404
    _assert_is(anonymous.json(), "Error")
