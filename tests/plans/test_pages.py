"""The plan pages through the test client: who sees and does what, the review buttons, PDF and exports, the API."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from plans import services
from plans.models import ActionPlan, Need
from tests.plans.conftest import add_goal, add_need, make_sprint
from themes.models import Municipality, RelocationPhase, ValueChainStep, Visibility, WorkPackage

pytestmark = pytest.mark.django_db


def _url(plan: ActionPlan, name: str = "plans:plan", **extra: object) -> str:
    return reverse(name, kwargs={"municipality": plan.municipality.slug, "period": plan.period, **extra})


def test_a_lead_writes_a_need_through_the_form(client: Client, plan: ActionPlan, lead_kiruna: User) -> None:
    client.force_login(lead_kiruna)
    response = client.post(
        _url(plan, "plans:need-add"),
        {
            "text": "Förskoleplatser saknas mitt i terminen",
            "value_chain_step": ValueChainStep.objects.get(code="physical").pk,
            "relocation_phase": RelocationPhase.objects.get(code="settle").pk,
            "work_package": WorkPackage.objects.get(code="WP1").pk,
            "tags": "Förskola, barnomsorg",
        },
    )
    assert response.status_code == 302
    need = Need.objects.get(plan=plan)
    assert sorted(need.tags.names()) == ["barnomsorg", "förskola"]


def test_a_form_with_errors_says_so_and_saves_nothing(
    client: Client, plan: ActionPlan, lead_kiruna: User
) -> None:
    client.force_login(lead_kiruna)
    response = client.post(
        _url(plan, "plans:goal-add"), {"indicator": "Nya hyresrätter", "baseline": "5", "target": "5"}
    )
    assert response.status_code == 400
    assert (
        "Nothing has been saved" in response.content.decode()
        or "Inget har sparats" in response.content.decode()
    )
    assert not plan.goals.exists()


def test_another_municipalitys_lead_gets_403_on_the_form(
    client: Client, plan: ActionPlan, lead_lulea: User
) -> None:
    client.force_login(lead_lulea)
    assert client.get(_url(plan, "plans:need-add")).status_code == 403


def test_the_plan_page_shows_parts_and_the_edit_buttons_to_the_lead(
    client: Client, full_plan: ActionPlan, lead_kiruna: User
) -> None:
    client.force_login(lead_kiruna)
    body = client.get(_url(full_plan)).content.decode()
    assert "Inga lediga hyresrätter för nyinflyttade" in body
    assert "Flyttbeslut inom 3 månader" in body
    assert _url(full_plan, "plans:need-add") in body
    assert _url(full_plan, "plans:review") not in body


def test_the_coordinator_sees_the_review_form_only_once_submitted(
    client: Client, full_plan: ActionPlan, lead_kiruna: User, coordinator: User
) -> None:
    client.force_login(coordinator)
    assert _url(full_plan, "plans:review") not in client.get(_url(full_plan)).content.decode()
    services.action_plan_submit(actor=lead_kiruna, plan=full_plan)
    assert _url(full_plan, "plans:review") in client.get(_url(full_plan)).content.decode()
    response = client.post(
        _url(full_plan, "plans:review"), {"decision": "approve", "comment": "Tydliga mål."}
    )
    assert response.status_code == 302
    assert ActionPlan.objects.get(pk=full_plan.pk).status == "approved"
    assert "Tydliga mål." in client.get(_url(full_plan)).content.decode()


def test_a_lead_cannot_approve_through_the_page(
    client: Client, full_plan: ActionPlan, lead_kiruna: User
) -> None:
    services.action_plan_submit(actor=lead_kiruna, plan=full_plan)
    client.force_login(lead_kiruna)
    assert client.post(_url(full_plan, "plans:review"), {"decision": "approve"}).status_code == 403


@pytest.mark.parametrize(
    ("visibility", "anonymous", "for_partner"),
    [("public", 200, 200), ("partners", 404, 200), ("internal", 404, 404)],
)
def test_a_plan_is_seen_as_its_visibility_allows(
    client: Client,
    full_plan: ActionPlan,
    lead_kiruna: User,
    partner: User,
    visibility: str,
    anonymous: int,
    for_partner: int,
) -> None:
    services.action_plan_update(actor=lead_kiruna, plan=full_plan, visibility=visibility)
    assert client.get(_url(full_plan)).status_code == anonymous
    client.force_login(partner)
    assert client.get(_url(full_plan)).status_code == for_partner
    assert client.get(_url(full_plan, "plans:pdf")).status_code == for_partner


def test_linking_a_sprint_through_the_page(
    client: Client, full_plan: ActionPlan, lead_kiruna: User, kiruna: Municipality
) -> None:
    activity = services.activity_add(actor=lead_kiruna, plan=full_plan, title="Testvecka")
    sprint = make_sprint(lead_kiruna, kiruna, title="Testvecka i mars")
    client.force_login(lead_kiruna)
    client.post(_url(full_plan, "plans:activity-link", pk=activity.pk), {"sprint": sprint.pk})
    assert list(activity.sprints.all()) == [sprint]
    assert "Testvecka i mars" in client.get(_url(full_plan)).content.decode()


def test_dropping_an_activity_without_a_reason_is_refused_with_a_message(
    client: Client, full_plan: ActionPlan, lead_kiruna: User
) -> None:
    activity = services.activity_add(actor=lead_kiruna, plan=full_plan, title="Bostadsmässa")
    client.force_login(lead_kiruna)
    response = client.post(
        _url(full_plan, "plans:activity-status", pk=activity.pk), {"status": "dropped"}, follow=True
    )
    activity.refresh_from_db()
    assert activity.status == "planned"
    assert "varför" in response.content.decode() or "why" in response.content.decode()


def test_english_pages(client: Client, full_plan: ActionPlan, lead_kiruna: User) -> None:
    client.force_login(lead_kiruna)
    body = client.get("/en" + _url(full_plan)).content.decode()
    assert "Needs and friction" in body


def test_pdf_and_exports(client: Client, full_plan: ActionPlan, lead_kiruna: User) -> None:
    client.force_login(lead_kiruna)
    pdf = client.get(_url(full_plan, "plans:pdf"))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    csv_text = client.get(_url(full_plan, "plans:export", fmt="csv")).content.decode("utf-8-sig")
    assert "Inga lediga hyresrätter för nyinflyttade" in csv_text
    xlsx = client.get(_url(full_plan, "plans:export", fmt="xlsx"))
    workbook = load_workbook(io.BytesIO(xlsx.content))
    assert len(workbook.sheetnames) == 4
    assert workbook.worksheets[1]["A2"].value == "Flyttbeslut inom 3 månader"


def test_an_export_cell_that_looks_like_a_formula_is_text(
    client: Client, plan: ActionPlan, lead_kiruna: User
) -> None:
    add_need(lead_kiruna, plan, text='=HYPERLINK("http://example.test")')
    client.force_login(lead_kiruna)
    csv_text = client.get(_url(plan, "plans:export", fmt="csv")).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text


def test_the_matrix_is_the_coordinating_teams(client: Client, lead_kiruna: User, coordinator: User) -> None:
    url = reverse("plans:matrix")
    assert client.get(url).status_code == 302
    client.force_login(lead_kiruna)
    assert client.get(url).status_code == 403
    client.force_login(coordinator)
    assert client.get(url).status_code == 200


# --- API --------------------------------------------------------------------------------------------------------


def test_the_api_gives_exactly_the_contract(
    client: Client, full_plan: ActionPlan, lead_kiruna: User, kiruna: Municipality
) -> None:
    activity = services.activity_add(actor=lead_kiruna, plan=full_plan, title="Testvecka")
    sprint = make_sprint(lead_kiruna, kiruna, visibility=Visibility.PUBLIC)
    services.activity_link_sprint(actor=lead_kiruna, activity=activity, sprint=sprint)
    services.action_plan_update(actor=lead_kiruna, plan=full_plan, visibility="public")
    data = client.get("/api/action-plans/", {"municipality": "kiruna"}).json()
    assert data == [
        {
            "municipality": "kiruna",
            "period": "2026",
            "status": "draft",
            "needs": [
                {
                    "text": "Inga lediga hyresrätter för nyinflyttade",
                    "value_chain": "physical",
                    "phase": "move",
                }
            ],
            "goals": [
                {
                    "indicator": "Flyttbeslut inom 3 månader",
                    "baseline": 0.0,
                    "target": 10.0,
                    "due": "2026-12-31",
                    "progress": None,
                }
            ],
            "activities": [{"title": "Testvecka", "status": "planned", "sprints": [sprint.pk]}],
        }
    ]
    assert client.get("/api/action-plans/", {"municipality": "2584"}).json() == data


def test_the_api_hides_what_the_caller_may_not_see(
    client: Client, full_plan: ActionPlan, lead_kiruna: User, kiruna: Municipality, partner: User
) -> None:
    activity = services.activity_add(actor=lead_kiruna, plan=full_plan, title="Testvecka")
    services.activity_link_sprint(
        actor=lead_kiruna, activity=activity, sprint=make_sprint(lead_kiruna, kiruna)
    )
    assert client.get("/api/action-plans/").json() == []  # internal plan
    services.action_plan_update(actor=lead_kiruna, plan=full_plan, visibility="partners")
    client.force_login(partner)
    [document] = client.get("/api/action-plans/").json()
    assert document["activities"][0]["sprints"] == []  # the sprint is internal


def test_the_api_refuses_an_unknown_municipality(client: Client) -> None:
    response = client.get("/api/action-plans/", {"municipality": "stockholm"})
    assert response.status_code == 400
    assert "municipality" in response.json()


def test_the_api_is_in_the_schema(client: Client) -> None:
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    text = schema.content.decode()
    assert "/api/action-plans/" in text
    assert "progress" in text


def test_add_goal_helper_is_used(plan: ActionPlan, lead_kiruna: User) -> None:
    assert add_goal(lead_kiruna, plan).plan_id == plan.pk
