"""Where the sprint pages meet the knowledge base: related lessons in the panel, and promoting a sprint to a lesson."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from knowledge.models import LessonPage
from tests.knowledge.factories import make_lesson
from tests.sprints.conftest import make_sprint
from themes.models import Municipality, RelocationPhase, SprintMethod, Visibility, WorkPackage

pytestmark = pytest.mark.django_db


def test_the_create_form_shows_published_lessons_on_the_chosen_phase(
    client: Client, lead_kiruna: User
) -> None:
    make_lesson(title="Testveckor lockar barnfamiljer", phases=("visit",))
    make_lesson(title="Hemlig lärdom", phases=("visit",), live=False)
    make_lesson(title="Om att stanna", phases=("stay",))
    client.force_login(lead_kiruna)
    data = {
        "title": "Ny testvecka",
        "relocation_phases": [RelocationPhase.objects.get(code="visit").pk],
        "method": SprintMethod.objects.get(code="pilot").pk,
        "work_package": "",
        "similar": "1",
    }
    html = client.post(reverse("sprints:create", args=["kiruna"]), data).content.decode()
    assert "Testveckor lockar barnfamiljer" in html
    assert "Hemlig lärdom" not in html
    assert "Om att stanna" not in html


def test_the_sprint_page_lets_its_lead_write_a_lesson_from_it(
    client: Client, lead_kiruna: User, kiruna: Municipality
) -> None:
    sprint = make_sprint(lead_kiruna, kiruna, visibility=Visibility.PUBLIC)
    client.force_login(lead_kiruna)
    html = client.get(sprint.get_absolute_url()).content.decode()
    promote = reverse("knowledge:promote-sprint", args=[sprint.pk])
    assert f'action="{promote}"' in html
    client.post(promote)
    lesson = LessonPage.objects.get(source_sprint=sprint)
    html = client.get(sprint.get_absolute_url()).content.decode()
    assert reverse("knowledge:draft", args=[lesson.pk]) in html


def test_partners_see_no_promote_button(
    client: Client, partner: User, lead_kiruna: User, kiruna: Municipality
) -> None:
    sprint = make_sprint(
        lead_kiruna, kiruna, visibility=Visibility.PUBLIC, work_package=WorkPackage.objects.get(code="WP2")
    )
    client.force_login(partner)
    html = client.get(sprint.get_absolute_url()).content.decode()
    assert reverse("knowledge:promote-sprint", args=[sprint.pk]) not in html
