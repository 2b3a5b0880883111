"""The demo knowledge: enough of every type, mixed visibility, linked to demo sprints, idempotent."""

import io

import pytest
from django.core.management import call_command

from knowledge.models import ExchangeMeetingPage, LessonPage, MethodCardPage
from themes.models import SprintMethod

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_knowledge_linked_to_sprints_and_is_idempotent(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("seed_demo", "--password", "Demo-lösenord-2026", stdout=io.StringIO())
    counts = (LessonPage.objects.count(), MethodCardPage.objects.count(), ExchangeMeetingPage.objects.count())
    assert counts[0] >= 25 and counts[1] == 8 and counts[2] == 3
    assert set(MethodCardPage.objects.values_list("method__code", flat=True)) == set(
        SprintMethod.objects.values_list("code", flat=True)
    )
    assert set(LessonPage.objects.values_list("visibility", flat=True)) == {"public", "partners", "internal"}
    assert LessonPage.objects.filter(source_sprint__isnull=False).count() >= 5
    assert LessonPage.objects.live().count() == counts[0]
    call_command("seed_demo", "--password", "Demo-lösenord-2026", stdout=io.StringIO())
    assert (
        LessonPage.objects.count(),
        MethodCardPage.objects.count(),
        ExchangeMeetingPage.objects.count(),
    ) == counts
