"""Draft → review → published through Wagtail's workflow, with the role checks of themes.permissions."""

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone
from wagtail.models import GroupPagePermission, WorkflowState

from knowledge import services
from knowledge.models import LessonPage
from themes.models import Municipality

pytestmark = pytest.mark.django_db


def _draft(user: User, municipality: Municipality | None, **kwargs: Any) -> LessonPage:
    return services.lesson_create_draft(
        user=user, title="Välkomstsamtal till nyinflyttade", municipality=municipality, **kwargs
    )


def test_a_lead_drafts_a_lesson_for_their_own_municipality(lead_kiruna: User, kiruna: Municipality) -> None:
    lesson = _draft(lead_kiruna, kiruna, summary="<p>Kort</p>", tags=["välkomst"])
    assert not lesson.live
    assert lesson.owner == lead_kiruna
    assert lesson.revisions.count() == 1
    assert lesson.url.endswith(f"/kunskap/{lesson.slug}/")


def test_a_lead_cannot_draft_for_another_municipality(lead_lulea: User, kiruna: Municipality) -> None:
    with pytest.raises(PermissionDenied):
        _draft(lead_lulea, kiruna)


def test_a_partner_cannot_draft(partner: User, kiruna: Municipality) -> None:
    with pytest.raises(PermissionDenied):
        _draft(partner, kiruna)


def test_draft_review_publish_goes_through_the_coordinating_teams_approval(
    lead_kiruna: User, coordinator: User, kiruna: Municipality
) -> None:
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


def test_another_lead_of_the_same_municipality_may_submit_the_lesson(
    lead_kiruna: User, kiruna: Municipality
) -> None:
    # ADR 0030: a municipality's leads work on its pages as a team; ownership is the review duty, not a lock.
    from tests.factories import user_with_role

    colleague = user_with_role("lead", "kiruna", username="lead-kiruna-2")
    lesson = _draft(lead_kiruna, kiruna)
    services.lesson_submit_for_review(user=colleague, lesson=lesson)
    lesson.refresh_from_db()
    assert lesson.workflow_in_progress


def test_a_lead_of_another_municipality_may_not_submit_the_lesson(
    lead_kiruna: User, lead_lulea: User, kiruna: Municipality
) -> None:
    lesson = _draft(lead_kiruna, kiruna)
    with pytest.raises(PermissionDenied):
        services.lesson_submit_for_review(user=lead_lulea, lesson=lesson)


def test_submitting_twice_does_not_start_a_second_review(lead_kiruna: User, kiruna: Municipality) -> None:
    lesson = _draft(lead_kiruna, kiruna)
    services.lesson_submit_for_review(user=lead_kiruna, lesson=lesson)
    services.lesson_submit_for_review(user=lead_kiruna, lesson=lesson)
    assert WorkflowState.objects.filter(object_id=str(lesson.pk)).count() == 1


def test_a_lead_cannot_publish(lead_kiruna: User, kiruna: Municipality) -> None:
    lesson = _draft(lead_kiruna, kiruna)
    services.lesson_submit_for_review(user=lead_kiruna, lesson=lesson)
    with pytest.raises(PermissionDenied):
        services.lesson_publish(user=lead_kiruna, lesson=lesson)
    assert not LessonPage.objects.get(pk=lesson.pk).live


def test_a_go_live_date_schedules_the_approved_revision_instead_of_publishing(
    lead_kiruna: User, coordinator: User, kiruna: Municipality
) -> None:
    lesson = _draft(lead_kiruna, kiruna)
    lesson.go_live_at = timezone.now() + datetime.timedelta(days=3)
    lesson.save_revision(user=lead_kiruna)
    services.lesson_submit_for_review(user=lead_kiruna, lesson=lesson)
    services.lesson_publish(user=coordinator, lesson=lesson)
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert not lesson.live
    assert lesson.approved_schedule


def test_the_migration_grants_leads_add_and_edit_and_the_team_publish_on_the_index() -> None:
    granted = {
        (p.group.name, p.permission.codename)
        for p in GroupPagePermission.objects.filter(page__slug="kunskap").select_related(
            "group", "permission"
        )
    }
    assert {("Project leads", "add_page"), ("Project leads", "change_page")} <= granted
    assert ("Project leads", "publish_page") not in granted
    assert {("Coordinating team", "publish_page"), ("Coordinating team", "change_page")} <= granted


def test_revisions_can_be_compared_in_the_wagtail_admin(
    client: Client, lead_kiruna: User, coordinator: User, kiruna: Municipality
) -> None:
    lesson = _draft(lead_kiruna, kiruna, advice="<p>Första</p>")
    first = lesson.latest_revision
    lesson.advice = "<p>Andra</p>"
    second = lesson.save_revision(user=lead_kiruna)
    client.force_login(coordinator)
    response = client.get(f"/admin/pages/{lesson.pk}/revisions/compare/{first.pk}...{second.pk}/")
    assert response.status_code == 200
    assert "Andra" in response.content.decode()


def test_the_author_proposes_a_visibility_when_submitting(
    lead_kiruna: User, coordinator: User, kiruna: Municipality
) -> None:
    lesson = _draft(lead_kiruna, kiruna)
    services.lesson_submit_for_review(user=lead_kiruna, lesson=lesson, visibility="partners")
    services.lesson_publish(user=coordinator, lesson=lesson)
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert lesson.live
    assert lesson.visibility == "partners"


@pytest.mark.parametrize(
    ("who", "may_edit"), [("lead_kiruna", True), ("coordinator", True), ("lead_lulea", False)]
)
def test_the_own_lead_and_the_coordinator_edit_a_draft_in_the_wagtail_admin_another_municipalitys_lead_not(
    client: Client,
    request: pytest.FixtureRequest,
    lead_kiruna: User,
    kiruna: Municipality,
    who: str,
    may_edit: bool,
) -> None:
    lesson = _draft(lead_kiruna, kiruna)
    client.force_login(request.getfixturevalue(who))
    response = client.get(f"/admin/pages/{lesson.pk}/edit/")
    if may_edit:
        assert response.status_code == 200
    else:
        # Wagtail's admin turns the refusal into a redirect to its dashboard with a "no permission" message.
        assert response.status_code == 302
        assert response["Location"] == "/admin/"


def _admin_form(lesson: LessonPage, user: User, **changes: object) -> Any:
    """The Wagtail admin's edit form for `lesson`, bound to its current values with `changes`, as `user` would post it."""
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

    form_class = LessonPage.get_edit_handler().get_form_class()
    values = {
        "title": lesson.title,
        "slug": lesson.slug,
        "evidence": lesson.evidence,
        "visibility": lesson.visibility,
        "language": lesson.language,
        "municipality": lesson.municipality_id or "",
        "body": streamfield([]),
        "comments": inline_formset([]),
        **changes,
    }
    return form_class(
        nested_form_data(values), instance=lesson, parent_page=lesson.get_parent(), for_user=user
    )


def test_a_lead_cannot_move_their_lesson_to_another_municipality_in_the_admin(
    lead_kiruna: User, kiruna: Municipality, lulea: Municipality
) -> None:
    lesson = _draft(lead_kiruna, kiruna)
    assert _admin_form(lesson, lead_kiruna).is_valid()
    moved = _admin_form(lesson, lead_kiruna, municipality=lulea.pk)
    assert not moved.is_valid()
    assert "municipality" in moved.errors
    region_wide = _admin_form(lesson, lead_kiruna, municipality="")
    assert not region_wide.is_valid()
    assert "municipality" in region_wide.errors


def test_the_coordinator_may_name_any_municipality_or_none_in_the_admin(
    lead_kiruna: User, coordinator: User, kiruna: Municipality, lulea: Municipality
) -> None:
    lesson = _draft(lead_kiruna, kiruna)
    assert _admin_form(lesson, coordinator, municipality=lulea.pk).is_valid()
    assert _admin_form(lesson, coordinator, municipality="").is_valid()
