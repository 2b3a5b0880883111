"""A method an endpoint does not offer is answered 405 with an Allow header, whoever asks (#17): DELETE on a sprint
is not "forbidden" to the anonymous and "not allowed" to a lead, it is not allowed; and the schema does not document
what is not offered."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.sprints.conftest import log_result, make_sprint
from themes.models import Municipality, Visibility

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def ids(lead_kiruna: User, kiruna: Municipality) -> dict[str, int]:
    sprint = make_sprint(lead_kiruna, kiruna, visibility=Visibility.PUBLIC)
    result = log_result(lead_kiruna, sprint)
    # The method is refused before anything is looked up, so the notification need not exist.
    return {"id": sprint.pk, "sprint_id": sprint.pk, "result_id": result.pk, "notification_id": 1}


def _clients(lead_kiruna: User) -> dict[str, APIClient]:
    anonymous = APIClient()
    signed_in = APIClient()
    signed_in.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=lead_kiruna).key}")
    return {"anonymous": anonymous, "lead": signed_in}


def test_every_method_the_schema_does_not_document_is_405_for_everyone(
    ids: dict[str, int], lead_kiruna: User
) -> None:
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    clients = _clients(lead_kiruna)
    checked = 0
    for template, item in schema["paths"].items():
        path = template.format(**ids)
        offered = {m for m in METHODS if m in item}
        for method in set(METHODS) - offered:
            for who, client in clients.items():
                response = getattr(client, method)(path, {}, format="json")
                assert response.status_code == 405, (who, method, path, response.status_code)
                allowed = {m.strip().lower() for m in response["Allow"].split(",")}
                assert allowed & set(METHODS) == offered, (path, response["Allow"])
                checked += 1
    assert checked > 50


@pytest.mark.parametrize("who", ["anonymous", "lead"])
def test_a_sprint_cannot_be_deleted_and_the_schema_does_not_offer_it(
    ids: dict[str, int], lead_kiruna: User, who: str
) -> None:
    client = _clients(lead_kiruna)[who]
    for path in (f"/api/sprints/{ids['id']}/", f"/api/sprints/{ids['id']}/results/", "/api/sprints/"):
        assert client.delete(path).status_code == 405
    assert client.get(f"/api/sprints/{ids['id']}/").status_code == 200  # it is still there
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    assert "delete" not in schema["paths"]["/api/sprints/{id}/"]
    assert (
        "delete" in schema["paths"]["/api/sprints/{id}/results/{result_id}/"]
    )  # removing a result is offered


def test_an_offered_method_still_asks_who_you_are(ids: dict[str, int]) -> None:
    """The method check comes first, the permission check still follows: an anonymous DELETE of a result is 403."""
    response = APIClient().delete(f"/api/sprints/{ids['id']}/results/{ids['result_id']}/")
    assert response.status_code == 403
