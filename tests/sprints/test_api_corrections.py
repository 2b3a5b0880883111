"""PATCH and DELETE on /api/sprints/<id>/results/<result_id>/: the permission matrix, history, and the schema."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from sprints.models import ActivityEvent, Result, Sprint
from tests.sprints.conftest import log_result, make_sprint
from themes.models import Municipality, Visibility

pytestmark = pytest.mark.django_db


def _url(result: Result) -> str:
    return f"/api/sprints/{result.sprint_id}/results/{result.pk}/"


@pytest.fixture
def result(lead_kiruna: User, kiruna_sprint: Sprint) -> Result:
    return log_result(lead_kiruna, kiruna_sprint, actual=Decimal("26"))


def _client(user: User | None) -> APIClient:
    api = APIClient()
    if user is not None:
        api.force_authenticate(user)
    return api


# who → (PATCH status, DELETE status): the lead of the sprint's municipality and the coordinating team may correct;
# a lead of another municipality, an analyst and a partner may see the internal sprint but not change it.
MATRIX = [
    ("lead_kiruna", 200, 204),
    ("coordinator", 200, 204),
    ("lead_lulea", 403, 403),
    ("analyst_kiruna", 403, 403),
]


@pytest.mark.parametrize(("who", "patch", "delete"), MATRIX)
def test_the_permission_matrix(
    who: str, patch: int, delete: int, request: pytest.FixtureRequest, result: Result
) -> None:
    user = request.getfixturevalue(who)
    response = _client(user).patch(_url(result), {"actual": "16"}, format="json")
    assert response.status_code == patch
    if patch == 200:
        assert response.json()["actual"] == "16.00"
        event = ActivityEvent.objects.filter(sprint_id=result.sprint_id).first()
        assert event is not None
        assert event.verb == ActivityEvent.Verb.RESULT_CORRECTED
        assert event.actor == user
        assert event.changes == [{"field": "actual", "old": "26", "new": "16"}]
    else:
        assert Result.objects.get(pk=result.pk).actual == Decimal("26")
    response = _client(user).delete(_url(result))
    assert response.status_code == delete
    assert Result.objects.filter(pk=result.pk).exists() == (delete != 204)
    assert Result.all_objects.filter(pk=result.pk).exists()


def test_a_partner_does_not_even_find_an_internal_sprints_result(partner: User, result: Result) -> None:
    assert _client(partner).patch(_url(result), {"actual": "1"}, format="json").status_code == 404
    assert _client(partner).delete(_url(result)).status_code == 404


def test_a_partner_may_see_a_partner_visible_sprint_but_not_correct_it(
    partner: User, lead_kiruna: User, kiruna: Municipality
) -> None:
    sprint = make_sprint(lead_kiruna, kiruna, visibility=Visibility.PARTNERS)
    shown = log_result(lead_kiruna, sprint)
    assert _client(partner).patch(_url(shown), {"actual": "1"}, format="json").status_code == 403


def test_anonymous_callers_are_refused(lead_kiruna: User, kiruna: Municipality) -> None:
    sprint = make_sprint(lead_kiruna, kiruna, visibility=Visibility.PUBLIC)
    public = log_result(lead_kiruna, sprint)
    assert _client(None).patch(_url(public), {"actual": "1"}, format="json").status_code in (401, 403)
    assert _client(None).delete(_url(public)).status_code in (401, 403)
    assert Result.objects.get(pk=public.pk).actual == public.actual


def test_a_no_op_patch_on_another_municipalitys_sprint_is_refused_too(
    lead_lulea: User, result: Result
) -> None:
    response = _client(lead_lulea).patch(_url(result), {"actual": "26"}, format="json")
    assert response.status_code == 403


def test_a_result_of_another_sprint_or_a_removed_one_is_not_found(
    lead_kiruna: User, kiruna: Municipality, result: Result
) -> None:
    other = make_sprint(lead_kiruna, kiruna, title="Annan sprint")
    wrong = f"/api/sprints/{other.pk}/results/{result.pk}/"
    assert _client(lead_kiruna).patch(wrong, {"actual": "1"}, format="json").status_code == 404
    assert _client(lead_kiruna).delete(_url(result)).status_code == 204
    assert _client(lead_kiruna).delete(_url(result)).status_code == 404
    assert _client(lead_kiruna).patch(_url(result), {"actual": "1"}, format="json").status_code == 404


def test_bad_input_is_a_400_that_names_the_field(lead_kiruna: User, result: Result) -> None:
    response = _client(lead_kiruna).patch(_url(result), {"actual": "många"}, format="json")
    assert response.status_code == 400
    assert "actual" in response.json()


def test_the_schema_documents_patch_and_delete(schema: dict[str, Any]) -> None:
    path = schema["paths"]["/api/sprints/{id}/results/{result_id}/"]
    assert set(path) >= {"patch", "delete"}
    assert "204" in path["delete"]["responses"]
