"""The sprints REST API: the INTERFACES.md contract, the OpenAPI schema, visibility, and 403 on refused writes."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User
from pytest_django import DjangoAssertNumQueries
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from sprints.models import ActivityEvent, Result, Sprint, Status
from tests.openapi import assert_matches, response_schema
from tests.sprints.conftest import log_result, make_sprint, sprint_payload
from themes.models import Municipality, Visibility

pytestmark = pytest.mark.django_db

CONTRACT_FIELDS = {"id", "title", "municipality", "work_package", "phase", "method", "status", "start", "end"}


def test_the_schema_documents_the_three_sprint_paths(schema: dict[str, Any]) -> None:
    assert {"/api/sprints/", "/api/sprints/{id}/", "/api/sprints/{id}/results/"} <= set(schema["paths"])
    sprint = schema["components"]["schemas"]["Sprint"]
    assert set(sprint["properties"]) >= CONTRACT_FIELDS
    assert sprint["properties"]["phase"]["type"] == "array"


def test_the_list_matches_the_schema_and_the_contract(
    api: APIClient, schema: dict[str, Any], lead_kiruna: User, kiruna: Municipality
) -> None:
    sprint = make_sprint(lead_kiruna, kiruna, visibility=Visibility.PUBLIC)
    response = api.get("/api/sprints/")
    assert response.status_code == 200
    body = response.json()
    assert_matches(schema, response_schema(schema, "/api/sprints/", "get", 200), body)
    (item,) = body["results"]
    assert set(item) >= CONTRACT_FIELDS
    assert item["municipality"] == "kiruna"
    assert item["work_package"] == "WP1"
    assert item["phase"] == ["visit", "decide"]
    assert item["method"] == "test-week"
    assert (item["id"], item["status"], item["start"], item["end"]) == (
        sprint.pk,
        "idea",
        "2026-03-01",
        "2026-04-15",
    )


def test_detail_and_results_match_the_schema(
    api: APIClient, schema: dict[str, Any], lead_kiruna: User, kiruna: Municipality
) -> None:
    sprint = make_sprint(lead_kiruna, kiruna, visibility=Visibility.PUBLIC)
    log_result(lead_kiruna, sprint)
    detail = api.get(f"/api/sprints/{sprint.pk}/").json()
    assert_matches(schema, response_schema(schema, "/api/sprints/{id}/", "get", 200), detail)
    results = api.get(f"/api/sprints/{sprint.pk}/results/").json()
    assert_matches(schema, response_schema(schema, "/api/sprints/{id}/results/", "get", 200), results)
    assert results[0]["actual"] == "26.00"
    assert results[0]["target_met"] is True


def test_anonymous_callers_see_only_public_sprints(
    api: APIClient, lead_kiruna: User, kiruna: Municipality
) -> None:
    hidden = make_sprint(lead_kiruna, kiruna, visibility=Visibility.INTERNAL)
    make_sprint(lead_kiruna, kiruna, visibility=Visibility.PARTNERS)
    assert api.get("/api/sprints/").json()["count"] == 0
    assert api.get(f"/api/sprints/{hidden.pk}/").status_code == 404
    api.force_authenticate(lead_kiruna)
    assert api.get("/api/sprints/").json()["count"] == 2


def test_the_list_filters_by_municipality_code_status_and_phase(
    api: APIClient, lead_kiruna: User, kiruna: Municipality, coordinator: User, lulea: Municipality
) -> None:
    make_sprint(lead_kiruna, kiruna, status=Status.RUNNING)
    make_sprint(coordinator, lulea)
    api.force_authenticate(coordinator)
    assert api.get("/api/sprints/", {"municipality": "2584"}).json()["count"] == 1
    assert api.get("/api/sprints/", {"municipality": "lulea", "status": "running"}).json()["count"] == 0
    assert api.get("/api/sprints/", {"phase": "visit"}).json()["count"] == 2


def test_the_list_runs_in_constant_queries(
    api: APIClient,
    coordinator: User,
    kiruna: Municipality,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    for i in range(3):
        make_sprint(coordinator, kiruna, title=f"S{i}")
    api.force_authenticate(coordinator)
    with django_assert_max_num_queries(6) as few:
        api.get("/api/sprints/")
    for i in range(10):
        make_sprint(coordinator, kiruna, title=f"T{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api.get("/api/sprints/").json()["count"] == 13


def test_a_lead_creates_a_sprint_in_the_own_municipality_with_a_token(
    api: APIClient, lead_kiruna: User
) -> None:
    token = Token.objects.create(user=lead_kiruna)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.post("/api/sprints/", sprint_payload(), format="json")
    assert response.status_code == 201, response.json()
    sprint = Sprint.objects.get()
    assert response.json()["id"] == sprint.pk
    assert sprint.created_by == lead_kiruna
    assert sprint.events.get().verb == "created"


@pytest.mark.parametrize("role", ["lead_lulea", "partner", "analyst_kiruna"])
def test_writes_outside_the_own_municipality_are_403_with_the_permission_message(
    request: pytest.FixtureRequest, api: APIClient, role: str, lead_kiruna: User, kiruna: Municipality
) -> None:
    sprint = make_sprint(lead_kiruna, kiruna, visibility=Visibility.PUBLIC)
    api.force_authenticate(request.getfixturevalue(role))
    events = ActivityEvent.objects.count()
    create = api.post("/api/sprints/", sprint_payload(), format="json")
    update = api.patch(f"/api/sprints/{sprint.pk}/", {"status": "running"}, format="json")
    result = api.post(
        f"/api/sprints/{sprint.pk}/results/", {"metric": "x", "actual": "1", "date": "2026-01-01"}
    )
    for response in (create, update, result):
        assert response.status_code == 403
        assert response.json()["detail"] in (
            "Du kan bara göra detta för din egen kommun, inte för Kiruna.",
            "Din roll tillåter inte detta.",
        )
    assert ActivityEvent.objects.count() == events
    assert Sprint.objects.count() == 1
    assert not Result.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [{"method": "campaign\x00"}, {"municipality": "\x00"}, {"phase": ["discover", "con\x00sider"]}],
)
def test_a_code_with_a_nul_character_is_an_unknown_code_not_a_server_error(
    api: APIClient, lead_kiruna: User, overrides: dict[str, object]
) -> None:
    # PostgreSQL cannot compare a text with NUL in it: the field refuses it before it reaches the database.
    api.force_authenticate(lead_kiruna)
    response = api.post("/api/sprints/", sprint_payload(**overrides), format="json")
    assert response.status_code == 400
    assert set(response.json()) == {next(iter(overrides))}
    assert not Sprint.objects.exists()


def test_anonymous_writes_are_refused_with_403(
    api: APIClient, lead_kiruna: User, kiruna: Municipality
) -> None:
    sprint = make_sprint(lead_kiruna, kiruna, visibility=Visibility.PUBLIC)
    assert api.post("/api/sprints/", sprint_payload(), format="json").status_code == 403
    assert api.patch(f"/api/sprints/{sprint.pk}/", {"title": "x"}, format="json").status_code == 403
    assert AnonymousUser().is_authenticated is False


# who -> status of a PATCH that changes nothing (empty, or the values the sprint already has) on a Kiruna sprint that
# every signed-in role can see: refused to the same people as a real change, before the body is looked at.
NO_OP_MATRIX = [
    ("lead_kiruna", 200),
    ("coordinator", 200),
    ("lead_lulea", 403),
    ("analyst_kiruna", 403),
    ("partner", 403),
]


@pytest.mark.parametrize(("who", "expected"), NO_OP_MATRIX)
@pytest.mark.parametrize("body", ["empty", "same values"])
def test_a_patch_that_changes_nothing_is_refused_to_those_who_may_not_edit(
    api: APIClient,
    who: str,
    expected: int,
    body: str,
    request: pytest.FixtureRequest,
    lead_kiruna: User,
    kiruna: Municipality,
) -> None:
    sprint = make_sprint(lead_kiruna, kiruna, visibility=Visibility.PARTNERS)
    api.force_authenticate(request.getfixturevalue(who))
    data = {} if body == "empty" else {"title": sprint.title, "status": sprint.status}
    events = ActivityEvent.objects.count()
    response = api.patch(f"/api/sprints/{sprint.pk}/", data, format="json")
    assert response.status_code == expected
    assert ActivityEvent.objects.count() == events


def test_a_patch_on_a_sprint_one_cannot_see_is_404_whatever_the_body(
    api: APIClient, partner: User, lead_kiruna: User, kiruna: Municipality
) -> None:
    sprint = make_sprint(lead_kiruna, kiruna, visibility=Visibility.INTERNAL)
    api.force_authenticate(partner)
    assert api.patch(f"/api/sprints/{sprint.pk}/", {}, format="json").status_code == 404
    assert api.patch(f"/api/sprints/{sprint.pk}/", {"title": "x"}, format="json").status_code == 404


def test_patching_the_status_moves_the_sprint_through_the_service(
    api: APIClient, lead_kiruna: User, kiruna_sprint: Sprint
) -> None:
    api.force_authenticate(lead_kiruna)
    response = api.patch(
        f"/api/sprints/{kiruna_sprint.pk}/", {"status": "running", "title": "Nytt namn"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "running"
    assert sorted(kiruna_sprint.events.values_list("verb", flat=True)) == ["created", "moved", "updated"]


def test_logging_a_result_through_the_api(
    api: APIClient, lead_kiruna: User, kiruna_sprint: Sprint, schema: dict[str, Any]
) -> None:
    api.force_authenticate(lead_kiruna)
    response = api.post(
        f"/api/sprints/{kiruna_sprint.pk}/results/",
        {"metric": "Klick", "unit": "st", "target": "100", "actual": "120.5", "date": "2026-12-20"},
        format="json",
    )
    assert response.status_code == 201
    assert_matches(
        schema, response_schema(schema, "/api/sprints/{id}/results/", "post", 201), response.json()
    )
    assert str(Result.objects.get().actual) == "120.50"


def test_bad_input_is_400_at_the_field_and_saves_nothing(
    api: APIClient, lead_kiruna: User, kiruna_sprint: Sprint
) -> None:
    api.force_authenticate(lead_kiruna)
    bad_result = api.post(
        f"/api/sprints/{kiruna_sprint.pk}/results/", {"metric": "x", "actual": "många", "date": "2026-01-01"}
    )
    assert bad_result.status_code == 400
    assert "actual" in bad_result.json()
    bad_dates = api.post("/api/sprints/", sprint_payload(start="2027-02-01", end="2027-01-01"), format="json")
    assert bad_dates.status_code == 400
    assert "end" in bad_dates.json()
    no_phase = api.post("/api/sprints/", sprint_payload(phase=[]), format="json")
    assert no_phase.status_code == 400
    assert "phase" in no_phase.json()
    assert Sprint.objects.count() == 1
    assert not Result.objects.exists()


def test_a_sprint_cannot_be_moved_to_another_municipality(
    api: APIClient, coordinator: User, kiruna: Municipality
) -> None:
    sprint = make_sprint(coordinator, kiruna)
    api.force_authenticate(coordinator)
    response = api.patch(f"/api/sprints/{sprint.pk}/", {"municipality": "lulea"}, format="json")
    assert response.status_code == 400
    sprint.refresh_from_db()
    assert sprint.municipality == kiruna


def test_an_unknown_status_filter_is_a_400_that_names_the_parameter(
    api: APIClient, lead_kiruna: User, kiruna: Municipality
) -> None:
    make_sprint(lead_kiruna, kiruna, visibility=Visibility.PUBLIC)
    response = api.get("/api/sprints/", {"status": "ongoing"}, HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 400
    assert response.json()["status"] == (
        "Okänd status ongoing; använd en av: " + ", ".join(Status.values) + "."
    )
    assert api.get("/api/sprints/", {"status": "running"}).status_code == 200
