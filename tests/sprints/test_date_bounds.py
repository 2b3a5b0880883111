"""Dates outside 2000-01-01..2100-12-31 are refused by the service, the form and the API with a clear message, and
a stored extreme date (from before the bound existed) never takes the overview or a board down."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from sprints.models import Sprint
from tests.sprints.conftest import make_sprint, sprint_payload
from tests.sprints.test_pages import _sprint_post
from themes.models import Municipality, Visibility

pytestmark = pytest.mark.django_db

SWEDISH = "Välj ett datum mellan 2000-01-01 och 2100-12-31."


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (datetime.date(2026, 1, 1), datetime.date(9999, 12, 31), "end"),
        (datetime.date(1, 1, 1), datetime.date(2026, 1, 1), "start"),
        (datetime.date(1999, 12, 31), datetime.date(2026, 1, 1), "start"),
        (datetime.date(2026, 1, 1), datetime.date(2101, 1, 1), "end"),
    ],
)
def test_the_service_refuses_a_date_out_of_range(
    lead_kiruna: User, kiruna: Municipality, start: datetime.date, end: datetime.date, field: str
) -> None:
    with translation.override("sv"), pytest.raises(ValidationError) as error:
        make_sprint(lead_kiruna, kiruna, start=start, end=end)
    assert error.value.message_dict[field] == [SWEDISH]
    assert not Sprint.objects.exists()


def test_the_bounds_themselves_are_accepted(lead_kiruna: User, kiruna: Municipality) -> None:
    sprint = make_sprint(
        lead_kiruna, kiruna, start=datetime.date(2000, 1, 1), end=datetime.date(2100, 12, 31)
    )
    assert sprint.pk


def test_the_form_refuses_9999_at_the_end_field_in_swedish(client: Client, lead_kiruna: User) -> None:
    client.force_login(lead_kiruna)
    response = client.post(reverse("sprints:create", args=["kiruna"]), _sprint_post(end="9999-12-31"))
    assert response.status_code == 400
    assert response.context["form"].errors["end"] == [SWEDISH]
    html = response.content.decode()
    assert 'min="2000-01-01"' in html
    assert 'max="2100-12-31"' in html
    assert not Sprint.objects.exists()


def test_the_api_refuses_9999_with_400(lead_kiruna: User) -> None:
    api = APIClient()
    api.force_authenticate(lead_kiruna)
    response = api.post(
        "/api/sprints/", sprint_payload(end="9999-12-31"), format="json", HTTP_ACCEPT_LANGUAGE="sv"
    )
    assert response.status_code == 400
    assert "end" in response.json()
    assert not Sprint.objects.exists()


def test_the_overview_and_board_survive_stored_extreme_dates(
    client: Client, lead_kiruna: User, kiruna: Municipality
) -> None:
    far = make_sprint(lead_kiruna, kiruna, title="Långt bort", visibility=Visibility.PUBLIC)
    early = make_sprint(lead_kiruna, kiruna, title="Tidigt", visibility=Visibility.PUBLIC)
    # Stored before the bounds existed (or written by SQL): bypasses validation on purpose.
    Sprint.objects.filter(pk=far.pk).update(end=datetime.date(9999, 12, 31))
    Sprint.objects.filter(pk=early.pk).update(start=datetime.date(1, 1, 1))
    for viewer in (None, lead_kiruna):
        if viewer is not None:
            client.force_login(viewer)
        assert client.get(reverse("sprints:overview")).status_code == 200
        assert client.get(reverse("sprints:board", args=["kiruna"])).status_code == 200
