"""The campaign panel on a campaign sprint's page, its two forms, and the campaigns under a segment on the segments
page, through the test client: who sees and changes what, in Swedish and English."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from campaigns import services
from campaigns.models import CampaignTarget, VariantOutcome
from campaigns.services import VariantCounts
from sprints.models import Sprint
from themes.models import Municipality

pytestmark = pytest.mark.django_db

SEGMENT = "DE:family:skiing"


@pytest.fixture
def logged(lead_kiruna: User, campaign_sprint: Sprint, kiruna_segments: None) -> Sprint:
    services.campaign_targets_set(actor=lead_kiruna, sprint=campaign_sprint, segment_keys=[SEGMENT])
    services.campaign_outcomes_log(
        actor=lead_kiruna,
        sprint=campaign_sprint,
        segment_key=SEGMENT,
        outcomes={
            "A": VariantCounts(reached=2000, responses=120),
            "B": VariantCounts(reached=2400, responses=204),
        },
    )
    return campaign_sprint


def _url(sprint: Sprint, name: str) -> str:
    return reverse(f"campaigns:{name}", args=(sprint.municipality.slug, sprint.pk))


SENTENCE_SV = (
    "Variant B gav 2,5 procentenheter fler svar än A (95 % KI 1,0 till 4,0); skillnaden är statistiskt säker."
)


@pytest.mark.parametrize(
    ("user", "panel", "forms"),
    [
        ("lead_kiruna", True, True),
        ("analyst_kiruna", True, False),
        ("lead_lulea", False, False),
        ("coordinator", False, False),
    ],
)
def test_who_sees_the_campaign_panel_on_the_sprint_page(
    request: pytest.FixtureRequest, client: Client, logged: Sprint, user: str, panel: bool, forms: bool
) -> None:
    client.force_login(request.getfixturevalue(user))
    html = client.get(logged.get_absolute_url()).content.decode()
    assert ('id="campaign"' in html) is panel
    # The segment's name and the counts never show outside Kiruna.
    assert ("från DE" in html) is panel
    assert (SENTENCE_SV in html) is panel
    assert (_url(logged, "targets") in html) is forms


def test_a_sprint_of_another_method_has_no_campaign_panel(
    client: Client, lead_kiruna: User, kiruna: Municipality, kiruna_segments: None
) -> None:
    from tests.sprints.conftest import make_sprint

    sprint = make_sprint(lead_kiruna, kiruna)
    client.force_login(lead_kiruna)
    assert 'id="campaign"' not in client.get(sprint.get_absolute_url()).content.decode()


def test_the_lead_chooses_targets_and_logs_counts_through_the_forms(
    client: Client, lead_kiruna: User, campaign_sprint: Sprint, kiruna_segments: None
) -> None:
    client.force_login(lead_kiruna)
    page = client.get(campaign_sprint.get_absolute_url()).content.decode()
    assert 'value="DE:family:skiing"' in page
    assert 'value="SE:young_adult:fishing"' not in page  # 3 prospects: too small to be offered
    response = client.post(_url(campaign_sprint, "targets"), {"segments": [SEGMENT, "NL:senior:hiking"]})
    assert response.status_code == 302
    assert response["Location"].endswith("#campaign")
    assert set(CampaignTarget.objects.values_list("segment_key", flat=True)) == {SEGMENT, "NL:senior:hiking"}
    client.post(
        _url(campaign_sprint, "outcomes"),
        {
            "segment": SEGMENT,
            "reached_A": "2000",
            "responses_A": "120",
            "reached_B": "2400",
            "responses_B": "204",
        },
    )
    assert dict(VariantOutcome.objects.values_list("variant", "responses")) == {"A": 120, "B": 204}
    assert SENTENCE_SV in client.get(campaign_sprint.get_absolute_url()).content.decode()


def test_bad_counts_are_refused_with_a_message_that_says_where(
    client: Client, lead_kiruna: User, logged: Sprint
) -> None:
    client.force_login(lead_kiruna)
    response = client.post(
        _url(logged, "outcomes"),
        {"segment": SEGMENT, "reached_A": "100", "responses_A": "101", "reached_B": "100", "responses_B": ""},
        follow=True,
    )
    html = response.content.decode()
    assert "Variant B: svar: Det här fältet är obligatoriskt" in html
    assert dict(VariantOutcome.objects.values_list("variant", "responses")) == {"A": 120, "B": 204}
    response = client.post(
        _url(logged, "outcomes"),
        {
            "segment": SEGMENT,
            "reached_A": "100",
            "responses_A": "101",
            "reached_B": "100",
            "responses_B": "5",
        },
        follow=True,
    )
    assert "Variant A: 101 svar är fler än de 100 nådda." in response.content.decode()
    assert dict(VariantOutcome.objects.values_list("variant", "responses")) == {"A": 120, "B": 204}


@pytest.mark.parametrize(
    ("user", "status"),
    # A partner does not see the internal sprint at all; the others see it but may not change its campaign.
    [("lead_lulea", 403), ("coordinator", 403), ("analyst_kiruna", 403), ("partner", 404)],
)
def test_nobody_else_may_post_to_the_campaign_forms(
    request: pytest.FixtureRequest, client: Client, logged: Sprint, user: str, status: int
) -> None:
    client.force_login(request.getfixturevalue(user))
    assert client.post(_url(logged, "targets"), {"segments": []}).status_code == status
    outcomes = {"segment": SEGMENT, "reached_A": "1", "responses_A": "1"}
    assert client.post(_url(logged, "outcomes"), outcomes).status_code == status
    assert CampaignTarget.objects.count() == 1


def test_the_segments_page_lists_the_campaigns_run_on_a_segment(
    client: Client, analyst_kiruna: User, logged: Sprint
) -> None:
    client.force_login(analyst_kiruna)
    html = client.get(reverse("insights:segments")).content.decode()
    assert "Kampanjer som körts på segmentet" in html
    assert logged.title in html
    assert SENTENCE_SV in html
    assert "6,0\u00a0%" in html  # A's response rate, 120 of 2 000
    assert "2\u00a0400" in html  # B reached, grouped as Swedish writes it
    english = client.get("/en" + reverse("insights:segments")).content.decode()
    assert (
        "Variant B got 2.5 percentage points more responses than A (95 % CI 1.0 to 4.0); "
        "the difference is statistically reliable." in english
    )


def test_another_municipalitys_segments_page_shows_none_of_kirunas_campaigns(
    client: Client, logged: Sprint, lulea_segments: None, lulea: Municipality
) -> None:
    from tests.factories import user_with_role

    analyst_lulea = user_with_role("analyst", "lulea", username="analyst-lulea-campaigns")
    client.force_login(analyst_lulea)
    html = client.get(reverse("insights:segments")).content.decode()
    assert "från DE" in html  # Luleå has its own segment with the same key
    assert logged.title not in html
    assert "procentenheter" not in html
