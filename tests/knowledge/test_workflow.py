"""Draft → review → published through Wagtail's workflow, with the role checks of themes.permissions."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from wagtail.models import GroupPagePermission, WorkflowState

from knowledge import services
from knowledge.models import LessonPage

pytestmark = pytest.mark.django_db


def _draft(user, municipality, **kwargs):
    return services.lesson_create_draft(
        user=user, title="Välkomstsamtal till nyinflyttade", municipality=municipality, **kwargs
    )


def test_a_lead_drafts_a_lesson_for_their_own_municipality(lead_kiruna, kiruna):
    lesson = _draft(lead_kiruna, kiruna, summary="<p>Kort</p>", tags=["välkomst"])
    assert not lesson.live
    assert lesson.owner == lead_kiruna
    assert lesson.revisions.count() == 1
    assert lesson.url.endswith(f"/kunskap/{lesson.slug}/")


def test_a_lead_cannot_draft_for_another_municipality(lead_lulea, kiruna):
    with pytest.raises(PermissionDenied):
        _draft(lead_lulea, kiruna)


def test_a_partner_cannot_draft(partner, kiruna):
    with pytest.raises(PermissionDenied):
        _draft(partner, kiruna)


def test_draft_review_publish_goes_through_the_coordinating_teams_approval(lead_kiruna, coordinator, kiruna):
    lesson = _draft(lead_kiruna, kiruna)
    services.lesson_submit_for_review(user=lead_kiruna, lesson=lesson)
    lesson.refresh_from_db()
    assert lesson.workflow_in_progress
    task = lesson.current_workflow_task.specific
    assert [g.name for g in task.groups.all()] == ["Coordinating team"]
    assert not lesson.live

    services.lesson_publish(user=coordinator, lesson=lesson)
    lesson.refresh_from_db()
    assert lesson.live
    assert WorkflowState.objects.get(object_id=str(lesson.pk)).status == WorkflowState.STATUS_APPROVED


def test_submitting_twice_does_not_start_a_second_review(lead_kiruna, kiruna):
    lesson = _draft(lead_kiruna, kiruna)
    services.lesson_submit_for_review(user=lead_kiruna, lesson=lesson)
    services.lesson_submit_for_review(user=lead_kiruna, lesson=lesson)
    assert WorkflowState.objects.filter(object_id=str(lesson.pk)).count() == 1


def test_a_lead_cannot_publish(lead_kiruna, kiruna):
    lesson = _draft(lead_kiruna, kiruna)
    services.lesson_submit_for_review(user=lead_kiruna, lesson=lesson)
    with pytest.raises(PermissionDenied):
        services.lesson_publish(user=lead_kiruna, lesson=lesson)
    assert not LessonPage.objects.get(pk=lesson.pk).live


def test_a_go_live_date_schedules_the_approved_revision_instead_of_publishing(
    lead_kiruna, coordinator, kiruna
):
    lesson = _draft(lead_kiruna, kiruna)
    lesson.go_live_at = timezone.now() + datetime.timedelta(days=3)
    lesson.save_revision(user=lead_kiruna)
    services.lesson_submit_for_review(user=lead_kiruna, lesson=lesson)
    services.lesson_publish(user=coordinator, lesson=lesson)
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert not lesson.live
    assert lesson.approved_schedule


def test_the_migration_grants_leads_add_and_edit_and_the_team_publish_on_the_index():
    granted = {
        (p.group.name, p.permission.codename)
        for p in GroupPagePermission.objects.filter(page__slug="kunskap").select_related(
            "group", "permission"
        )
    }
    assert {("Project leads", "add_page"), ("Project leads", "change_page")} <= granted
    assert ("Project leads", "publish_page") not in granted
    assert {("Coordinating team", "publish_page"), ("Coordinating team", "change_page")} <= granted


def test_revisions_can_be_compared_in_the_wagtail_admin(client, lead_kiruna, coordinator, kiruna):
    lesson = _draft(lead_kiruna, kiruna, advice="<p>Första</p>")
    first = lesson.latest_revision
    lesson.advice = "<p>Andra</p>"
    second = lesson.save_revision(user=lead_kiruna)
    client.force_login(coordinator)
    response = client.get(f"/admin/pages/{lesson.pk}/revisions/compare/{first.pk}...{second.pk}/")
    assert response.status_code == 200
    assert "Andra" in response.content.decode()


def test_the_author_proposes_a_visibility_when_submitting(lead_kiruna, coordinator, kiruna):
    lesson = _draft(lead_kiruna, kiruna)
    services.lesson_submit_for_review(user=lead_kiruna, lesson=lesson, visibility="partners")
    services.lesson_publish(user=coordinator, lesson=lesson)
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert lesson.live and lesson.visibility == "partners"
