"""The campaign services: targeting a campaign sprint at its own municipality's segments and logging variant counts,
with the permission matrix role × municipality for both."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from pytest_django import DjangoAssertNumQueries

from campaigns import selectors, services
from campaigns.models import CampaignTarget, VariantOutcome
from campaigns.services import VariantCounts
from sprints.models import Sprint
from sprints.services import sprint_archive
from tests.factories import user_with_role
from tests.sprints.conftest import make_sprint
from themes.models import Municipality

pytestmark = pytest.mark.django_db

COUNTS = {"A": VariantCounts(reached=2000, responses=120), "B": VariantCounts(reached=2400, responses=204)}


def _person(role: str) -> User | AnonymousUser:
    if role == "anonymous":
        return AnonymousUser()
    municipality = {"lead-own": "kiruna", "lead-other": "lulea", "analyst-own": "kiruna"}.get(role)
    return user_with_role(role.split("-")[0], municipality, username=f"{role}-person")


# Who may target a Kiruna campaign sprint at Kiruna's segments and log its counts.
MATRIX = {
    "lead-own": True,
    "lead-other": False,
    "analyst-own": False,
    "coordinator": False,
    "partner": False,
    "anonymous": False,
}


@pytest.mark.parametrize(("role", "allowed"), MATRIX.items())
def test_who_targets_segments(
    role: str, allowed: bool, campaign_sprint: Sprint, kiruna_segments: None
) -> None:
    person = _person(role)
    if allowed:
        services.campaign_targets_set(actor=person, sprint=campaign_sprint, segment_keys=["DE:family:skiing"])
        assert list(CampaignTarget.objects.values_list("segment_key", flat=True)) == ["DE:family:skiing"]
    else:
        with pytest.raises(PermissionDenied):
            services.campaign_targets_set(
                actor=person, sprint=campaign_sprint, segment_keys=["DE:family:skiing"]
            )
        assert not CampaignTarget.objects.exists()


@pytest.mark.parametrize(("role", "allowed"), MATRIX.items())
def test_who_logs_variant_counts(
    role: str, allowed: bool, lead_kiruna: User, campaign_sprint: Sprint, kiruna_segments: None
) -> None:
    services.campaign_targets_set(
        actor=lead_kiruna, sprint=campaign_sprint, segment_keys=["DE:family:skiing"]
    )
    person = _person(role)
    if allowed:
        services.campaign_outcomes_log(
            actor=person, sprint=campaign_sprint, segment_key="DE:family:skiing", outcomes=COUNTS
        )
        assert VariantOutcome.objects.count() == 2
    else:
        with pytest.raises(PermissionDenied):
            services.campaign_outcomes_log(
                actor=person, sprint=campaign_sprint, segment_key="DE:family:skiing", outcomes=COUNTS
            )
        assert not VariantOutcome.objects.exists()


@pytest.mark.parametrize(
    ("role", "own", "other"),
    [
        ("lead-own", True, False),
        ("analyst-own", True, False),
        ("lead-other", False, True),
        ("coordinator", False, False),
        ("partner", False, False),
        ("anonymous", False, False),
    ],
)
def test_who_sees_which_segments_a_campaign_targeted(
    role: str, own: bool, other: bool, kiruna: Municipality, lulea: Municipality
) -> None:
    from themes.permissions import can_see_campaign_segments

    person = _person(role)
    assert can_see_campaign_segments(person, municipality=kiruna) is own
    assert can_see_campaign_segments(person, municipality=lulea) is other


def test_a_lead_cannot_target_another_municipalitys_segments(
    lead_kiruna: User, campaign_sprint: Sprint, lulea_segments: None
) -> None:
    # Lulea has the key, Kiruna does not: the key must be a segment of the sprint's own municipality.
    with pytest.raises(ValidationError) as raised:
        services.campaign_targets_set(
            actor=lead_kiruna, sprint=campaign_sprint, segment_keys=["DE:family:skiing"]
        )
    assert "DE:family:skiing" in str(raised.value)
    assert not CampaignTarget.objects.exists()


def test_only_a_campaign_sprint_targets_segments(
    lead_kiruna: User, kiruna: Municipality, kiruna_segments: None
) -> None:
    test_week = make_sprint(lead_kiruna, kiruna)
    with pytest.raises(ValidationError, match="Kampanjtest"):
        services.campaign_targets_set(actor=lead_kiruna, sprint=test_week, segment_keys=["DE:family:skiing"])


def test_an_archived_campaign_is_not_changed(
    lead_kiruna: User, campaign_sprint: Sprint, kiruna_segments: None
) -> None:
    sprint_archive(actor=lead_kiruna, sprint=campaign_sprint)
    with pytest.raises(ValidationError, match="arkiverad"):
        services.campaign_targets_set(
            actor=lead_kiruna, sprint=campaign_sprint, segment_keys=["DE:family:skiing"]
        )


def test_targets_are_set_and_a_target_with_counts_is_kept(
    lead_kiruna: User, campaign_sprint: Sprint, kiruna_segments: None
) -> None:
    services.campaign_targets_set(
        actor=lead_kiruna, sprint=campaign_sprint, segment_keys=["DE:family:skiing", "NL:senior:hiking"]
    )
    services.campaign_outcomes_log(
        actor=lead_kiruna, sprint=campaign_sprint, segment_key="DE:family:skiing", outcomes=COUNTS
    )
    services.campaign_targets_set(
        actor=lead_kiruna, sprint=campaign_sprint, segment_keys=["DE:family:skiing"]
    )
    assert list(CampaignTarget.objects.values_list("segment_key", flat=True)) == ["DE:family:skiing"]
    with pytest.raises(ValidationError, match="förblir mål"):
        services.campaign_targets_set(actor=lead_kiruna, sprint=campaign_sprint, segment_keys=[])
    assert VariantOutcome.objects.count() == 2


def test_counts_logged_again_replace_the_earlier_ones(
    lead_kiruna: User, campaign_sprint: Sprint, kiruna_segments: None
) -> None:
    services.campaign_targets_set(
        actor=lead_kiruna, sprint=campaign_sprint, segment_keys=["DE:family:skiing"]
    )
    for outcomes in (COUNTS, {"B": VariantCounts(reached=2400, responses=210)}):
        services.campaign_outcomes_log(
            actor=lead_kiruna, sprint=campaign_sprint, segment_key="DE:family:skiing", outcomes=outcomes
        )
    assert dict(VariantOutcome.objects.values_list("variant", "responses")) == {"A": 120, "B": 210}
    [summary] = selectors.targets_of(campaign_sprint)
    assert summary.comparisons[0].effect.difference == pytest.approx(210 / 2400 - 120 / 2000)


@pytest.mark.parametrize(
    ("outcomes", "field", "says"),
    [
        ({"B": VariantCounts(reached=10, responses=11)}, "responses_B", "11 svar är fler än de 10 nådda"),
        ({"A": VariantCounts(reached=0, responses=0)}, "reached_A", "minst 1"),
        ({"E": VariantCounts(reached=10, responses=1)}, "variant", "E är ingen variant"),
    ],
)
def test_impossible_counts_are_refused_all_or_nothing(
    outcomes: dict[str, VariantCounts],
    field: str,
    says: str,
    lead_kiruna: User,
    campaign_sprint: Sprint,
    kiruna_segments: None,
) -> None:
    services.campaign_targets_set(
        actor=lead_kiruna, sprint=campaign_sprint, segment_keys=["DE:family:skiing"]
    )
    with pytest.raises(ValidationError) as raised:
        services.campaign_outcomes_log(
            actor=lead_kiruna,
            sprint=campaign_sprint,
            segment_key="DE:family:skiing",
            outcomes={"C": VariantCounts(reached=100, responses=5), **outcomes},
        )
    assert says in " ".join(raised.value.message_dict[field])
    assert not VariantOutcome.objects.exists()


def test_counts_need_a_targeted_segment(
    lead_kiruna: User, campaign_sprint: Sprint, kiruna_segments: None
) -> None:
    with pytest.raises(ValidationError, match="riktas inte mot segmentet"):
        services.campaign_outcomes_log(
            actor=lead_kiruna, sprint=campaign_sprint, segment_key="NL:senior:hiking", outcomes=COUNTS
        )


def test_the_segment_page_reads_every_campaign_in_a_fixed_number_of_queries(
    django_assert_num_queries: DjangoAssertNumQueries,
    lead_kiruna: User,
    analyst_kiruna: User,
    kiruna: Municipality,
    campaign_sprint: Sprint,
    kiruna_segments: None,
) -> None:
    second = make_sprint(
        lead_kiruna,
        kiruna,
        title="Andra kampanjen",
        method=campaign_sprint.method,
        start=datetime.date(2026, 5, 1),
        end=datetime.date(2026, 6, 1),
    )
    for sprint in (campaign_sprint, second):
        services.campaign_targets_set(
            actor=lead_kiruna, sprint=sprint, segment_keys=["DE:family:skiing", "NL:senior:hiking"]
        )
        for key in ("DE:family:skiing", "NL:senior:hiking"):
            services.campaign_outcomes_log(actor=lead_kiruna, sprint=sprint, segment_key=key, outcomes=COUNTS)
    from themes.permissions import visible_levels

    visible_levels(analyst_kiruna)  # the membership is cached on the person, as in a request
    with django_assert_num_queries(2):
        found = selectors.campaigns_by_segment(municipality=kiruna, user=analyst_kiruna)
    # Newest sprint first, each with its effect already worked out.
    assert [c.sprint.title for c in found["DE:family:skiing"]] == [
        "Andra kampanjen",
        "Norrskensgäster blir invånare",
    ]
    assert found["NL:senior:hiking"][0].summary.comparisons[0].effect.reliable
