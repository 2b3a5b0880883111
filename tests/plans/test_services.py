"""Plans, needs, goals and activities through the services: versioning, the review workflow and their checks."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError

from plans import selectors, services
from plans.models import ActionPlan, ActionPlanVersion, Activity
from tests.plans.conftest import add_goal, add_need, make_sprint
from themes.models import Municipality, ValueChainStep, Visibility

pytestmark = pytest.mark.django_db

ALL = tuple(Visibility.values)


def test_a_new_plan_is_a_draft_of_version_one(plan: ActionPlan) -> None:
    assert (plan.status, plan.version, plan.visibility) == ("draft", 1, "internal")


def test_one_plan_per_municipality_and_period(
    plan: ActionPlan, kiruna: Municipality, lead_kiruna: User
) -> None:
    with pytest.raises(ValidationError, match="2026"):
        services.action_plan_create(actor=lead_kiruna, municipality=kiruna, period="2026")


def test_a_period_is_a_year_or_a_span_of_years(kiruna: Municipality, lead_kiruna: User) -> None:
    with pytest.raises(ValidationError):
        services.action_plan_create(actor=lead_kiruna, municipality=kiruna, period="nästa år")
    assert services.action_plan_create(actor=lead_kiruna, municipality=kiruna, period="2026-2027").pk


def test_a_need_takes_its_force_from_its_value_chain_step(plan: ActionPlan, lead_kiruna: User) -> None:
    need = add_need(lead_kiruna, plan, value_chain_step=ValueChainStep.objects.get(code="marketing"))
    assert need.force == "pull"
    assert add_need(lead_kiruna, plan).force == "receiving"


def test_a_lead_cannot_edit_another_municipalitys_plan(plan: ActionPlan, lead_lulea: User) -> None:
    with pytest.raises(PermissionDenied):
        add_need(lead_lulea, plan)
    assert not plan.needs.exists()


@pytest.mark.parametrize("who", ["partner", "analyst_kiruna"])
def test_partners_and_analysts_cannot_edit_a_plan(
    plan: ActionPlan, who: str, request: pytest.FixtureRequest
) -> None:
    with pytest.raises(PermissionDenied):
        add_goal(request.getfixturevalue(who), plan)


def test_a_goal_target_must_differ_from_its_baseline(plan: ActionPlan, lead_kiruna: User) -> None:
    from decimal import Decimal

    with pytest.raises(ValidationError):
        add_goal(lead_kiruna, plan, baseline=Decimal("5"), target=Decimal("5"))


def test_submitting_needs_a_need_and_a_goal(plan: ActionPlan, lead_kiruna: User) -> None:
    with pytest.raises(ValidationError):
        services.action_plan_submit(actor=lead_kiruna, plan=plan)
    add_need(lead_kiruna, plan)
    add_goal(lead_kiruna, plan)
    services.action_plan_submit(actor=lead_kiruna, plan=plan)
    assert ActionPlan.objects.get(pk=plan.pk).status == "submitted"


def test_only_the_coordinating_team_approves(
    full_plan: ActionPlan, lead_kiruna: User, coordinator: User
) -> None:
    services.action_plan_submit(actor=lead_kiruna, plan=full_plan)
    with pytest.raises(PermissionDenied):
        services.action_plan_approve(actor=lead_kiruna, plan=full_plan)
    version = services.action_plan_approve(actor=coordinator, plan=full_plan, comment="Bra plan.")
    stored = ActionPlan.objects.get(pk=full_plan.pk)
    assert (stored.status, stored.review_comment, stored.reviewed_by) == (
        "approved",
        "Bra plan.",
        coordinator,
    )
    assert version.number == 1


def test_a_draft_cannot_be_approved(full_plan: ActionPlan, coordinator: User) -> None:
    with pytest.raises(ValidationError):
        services.action_plan_approve(actor=coordinator, plan=full_plan)


def test_approving_freezes_the_version_and_an_edit_starts_the_next(
    full_plan: ActionPlan, lead_kiruna: User, coordinator: User
) -> None:
    services.action_plan_submit(actor=lead_kiruna, plan=full_plan)
    services.action_plan_approve(actor=coordinator, plan=full_plan)
    frozen = ActionPlanVersion.objects.get(plan=full_plan, number=1).content
    assert [need["text"] for need in frozen["needs"]] == ["Inga lediga hyresrätter för nyinflyttade"]
    assert frozen["status"] == "approved"

    add_need(lead_kiruna, full_plan, text="Partners jobb saknas", tags=["jobb"])

    stored = ActionPlan.objects.get(pk=full_plan.pk)
    assert (stored.status, stored.version) == ("draft", 2)
    assert ActionPlanVersion.objects.get(plan=full_plan, number=1).content == frozen
    assert len(selectors.plan_document(stored, levels=ALL)["needs"]) == 2

    services.action_plan_submit(actor=lead_kiruna, plan=stored)
    services.action_plan_approve(actor=coordinator, plan=stored)
    assert list(ActionPlanVersion.objects.filter(plan=full_plan).values_list("number", flat=True)) == [2, 1]


def test_a_second_edit_of_the_draft_stays_in_the_same_version(
    full_plan: ActionPlan, lead_kiruna: User, coordinator: User
) -> None:
    services.action_plan_submit(actor=lead_kiruna, plan=full_plan)
    services.action_plan_approve(actor=coordinator, plan=full_plan)
    add_need(lead_kiruna, full_plan)
    add_goal(lead_kiruna, full_plan)
    assert ActionPlan.objects.get(pk=full_plan.pk).version == 2


def test_editing_a_submitted_plan_takes_it_back_to_draft(full_plan: ActionPlan, lead_kiruna: User) -> None:
    services.action_plan_submit(actor=lead_kiruna, plan=full_plan)
    add_goal(lead_kiruna, full_plan, indicator="Nya hyresrätter")
    stored = ActionPlan.objects.get(pk=full_plan.pk)
    assert (stored.status, stored.version) == ("draft", 1)


def test_sending_back_needs_a_comment_and_makes_a_draft(
    full_plan: ActionPlan, lead_kiruna: User, coordinator: User
) -> None:
    services.action_plan_submit(actor=lead_kiruna, plan=full_plan)
    with pytest.raises(ValidationError):
        services.action_plan_return(actor=coordinator, plan=full_plan, comment=" ")
    services.action_plan_return(actor=coordinator, plan=full_plan, comment="Lägg till ett mål för förskolan.")
    stored = ActionPlan.objects.get(pk=full_plan.pk)
    assert (stored.status, stored.review_comment) == ("draft", "Lägg till ett mål för förskolan.")
    assert not ActionPlanVersion.objects.exists()


def test_a_dropped_activity_needs_a_reason(full_plan: ActionPlan, lead_kiruna: User) -> None:
    with pytest.raises(ValidationError, match="drop"):
        services.activity_add(actor=lead_kiruna, plan=full_plan, title="Bostadsmässa", status="dropped")
    activity = services.activity_add(actor=lead_kiruna, plan=full_plan, title="Bostadsmässa")
    with pytest.raises(ValidationError):
        services.activity_set_status(actor=lead_kiruna, activity=activity, status="dropped", drop_reason="")
    services.activity_set_status(
        actor=lead_kiruna, activity=activity, status="dropped", drop_reason="Bostadsbolaget hoppade av."
    )
    assert Activity.objects.get(pk=activity.pk).drop_reason == "Bostadsbolaget hoppade av."


def test_an_activity_links_sprints_of_its_own_municipality_only(
    full_plan: ActionPlan, lead_kiruna: User, lead_lulea: User, lulea: Municipality
) -> None:
    activity = services.activity_add(actor=lead_kiruna, plan=full_plan, title="Testvecka")
    own = make_sprint(lead_kiruna, full_plan.municipality)
    other = make_sprint(lead_lulea, lulea)
    services.activity_link_sprint(actor=lead_kiruna, activity=activity, sprint=own)
    with pytest.raises(ValidationError):
        services.activity_link_sprint(actor=lead_kiruna, activity=activity, sprint=other)
    assert list(activity.sprints.all()) == [own]


def test_a_sprint_can_serve_several_activities(full_plan: ActionPlan, lead_kiruna: User) -> None:
    sprint = make_sprint(lead_kiruna, full_plan.municipality)
    for title in ("Testvecka", "Värdnätverk"):
        activity = services.activity_add(actor=lead_kiruna, plan=full_plan, title=title)
        services.activity_link_sprint(actor=lead_kiruna, activity=activity, sprint=sprint)
    document = selectors.plan_document(full_plan, levels=ALL)
    assert [a["sprints"] for a in document["activities"]] == [[sprint.pk], [sprint.pk]]


def test_an_activity_cannot_answer_another_plans_need(
    full_plan: ActionPlan, lead_kiruna: User, kiruna: Municipality
) -> None:
    other_plan = services.action_plan_create(actor=lead_kiruna, municipality=kiruna, period="2027")
    need = add_need(lead_kiruna, other_plan)
    with pytest.raises(ValidationError):
        services.activity_add(actor=lead_kiruna, plan=full_plan, title="Fel plan", need=need)


def test_actor_none_is_refused_without_skip_permission_checks(kiruna: Municipality) -> None:
    with pytest.raises(PermissionDenied):
        services.action_plan_create(actor=None, municipality=kiruna, period="2026")
    plan = services.action_plan_create(
        actor=None, skip_permission_checks=True, municipality=kiruna, period="2026"
    )
    assert plan.created_by is None


def test_the_goal_due_date_is_kept(plan: ActionPlan, lead_kiruna: User) -> None:
    goal = add_goal(lead_kiruna, plan, due=datetime.date(2027, 6, 30))
    assert selectors.plan_document(plan, levels=ALL)["goals"][0]["due"] == "2027-06-30"
    assert goal.due == datetime.date(2027, 6, 30)
