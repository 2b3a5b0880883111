"""Fixtures of the campaigns tests: a campaign-ab sprint made through the sprints service, and stored segments."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from insights.models import Segment
from sprints.models import Sprint
from tests.sprints.conftest import make_sprint
from themes.models import Municipality, SprintMethod

SEGMENT_KEYS = ("DE:family:skiing", "NL:senior:hiking", "SE:young_adult:fishing")


def make_segments(municipality: Municipality, sizes: tuple[int, ...] = (40, 25, 3)) -> None:
    """Segment aggregates as a scoring run leaves them."""
    for key, size in zip(SEGMENT_KEYS, sizes, strict=True):
        country, life_stage, interest = key.split(":")
        Segment.objects.create(
            municipality=municipality,
            key=key,
            country=country,
            life_stage=life_stage,
            interest=interest,
            size=size,
            mean_score=0.2,
            aida_mix={"attention": size},
            phases=["discover"],
        )


@pytest.fixture
def kiruna_segments(kiruna: Municipality) -> None:
    make_segments(kiruna)


@pytest.fixture
def lulea_segments(lulea: Municipality) -> None:
    make_segments(lulea)


@pytest.fixture
def campaign_sprint(lead_kiruna: User, kiruna: Municipality) -> Sprint:
    return make_sprint(
        lead_kiruna,
        kiruna,
        title="Norrskensgäster blir invånare",
        method=SprintMethod.objects.get(code="campaign-ab"),
    )


@pytest.fixture
def lulea_campaign(lead_lulea: User, lulea: Municipality) -> Sprint:
    return make_sprint(
        lead_lulea, lulea, title="Kampanj i Luleå", method=SprintMethod.objects.get(code="campaign-ab")
    )
