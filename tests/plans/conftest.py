"""Helpers for the plans tests: a plan with a need, a goal and an activity, built through the services."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User

from insights.models import ImportBatch, Prospect
from insights.selectors import pipeline_changed
from plans import services
from plans.models import ActionPlan, Goal, Need
from plans.services import Actor
from tests.sprints.conftest import log_result, make_sprint
from themes.models import Municipality

__all__ = ["add_goal", "add_need", "add_prospects", "log_result", "make_sprint"]
from themes.models import RelocationPhase, ValueChainStep, WorkPackage


def add_need(actor: Actor, plan: ActionPlan, **overrides: Any) -> Need:
    values: dict[str, Any] = {
        "text": "Inga lediga hyresrätter för nyinflyttade",
        "value_chain_step": ValueChainStep.objects.get(code="physical"),
        "relocation_phase": RelocationPhase.objects.get(code="move"),
        "work_package": WorkPackage.objects.get(code="WP1"),
        "tags": ["bostäder"],
    }
    values.update(overrides)
    return services.need_add(actor=actor, plan=plan, **values)


def add_goal(actor: Actor, plan: ActionPlan, **overrides: Any) -> Goal:
    values: dict[str, Any] = {
        "indicator": "Flyttbeslut inom 3 månader",
        "unit": "hushåll",
        "baseline": Decimal("0"),
        "target": Decimal("10"),
        "due": datetime.date(2026, 12, 31),
    }
    values.update(overrides)
    return services.goal_add(actor=actor, plan=plan, **values)


def add_prospects(municipality: Municipality, *, desire: int = 0, action: int = 0, year: int = 2026) -> None:
    """Pseudonymous prospect rows as the import stores them, in Desire and Action, imported in `year`."""
    batch = ImportBatch.objects.create(municipality=municipality, file_name="t.csv", status="imported")
    when = datetime.datetime(year, 6, 1, tzinfo=datetime.UTC)
    start = Prospect.objects.count()
    Prospect.objects.bulk_create(
        Prospect(
            municipality=municipality,
            pseudonym=f"p{start + i}",
            country="DE",
            age_band="25-34",
            household="couple",
            aida_stage=stage,
            imported_at=when,
            batch=batch,
        )
        for i, stage in enumerate(["desire"] * desire + ["action"] * action)
    )
    pipeline_changed()  # what the import service does


@pytest.fixture
def plan(kiruna: Municipality, lead_kiruna: User) -> ActionPlan:
    return services.action_plan_create(actor=lead_kiruna, municipality=kiruna, period="2026")


@pytest.fixture
def full_plan(plan: ActionPlan, lead_kiruna: User) -> ActionPlan:
    add_need(lead_kiruna, plan)
    add_goal(lead_kiruna, plan)
    return plan
