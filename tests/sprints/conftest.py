"""Fixtures of the sprints tests: sprints created through the service layer, as a lead would."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from sprints import services
from sprints.models import Result, Sprint, Status
from sprints.services import Actor
from themes.models import Municipality, RelocationPhase, SprintMethod, Visibility, WorkPackage


def make_sprint(actor: Actor, municipality: Municipality, **overrides: Any) -> Sprint:
    values: dict[str, Any] = {
        "title": "Prova-på-boende för distansarbetare",
        "goal": "Fler besökare ska pröva att bo och arbeta här en vecka.",
        "hypothesis": "Vi tror att en testvecka leder till fler flyttbeslut, mätt i antal ansökningar.",
        "work_package": WorkPackage.objects.get(code="WP1"),
        "method": SprintMethod.objects.get(code="test-week"),
        "start": datetime.date(2026, 3, 1),
        "end": datetime.date(2026, 4, 15),
        "relocation_phases": list(RelocationPhase.objects.filter(code__in=["visit", "decide"])),
        "status": Status.IDEA,
        "visibility": Visibility.INTERNAL,
    }
    values.update(overrides)
    return services.sprint_create(actor=actor, municipality=municipality, **values)


def make_ended_sprint(actor: Actor, municipality: Municipality, title: str, **overrides: Any) -> Sprint:
    """A sprint that ran for the last six weeks and ended yesterday: overdue while its status is still running."""
    today = timezone.localdate()
    values: dict[str, Any] = {
        "title": title,
        "status": Status.RUNNING,
        "start": today - datetime.timedelta(days=40),
        "end": today - datetime.timedelta(days=1),
    }
    values.update(overrides)
    return make_sprint(actor, municipality, **values)


def sprint_payload(**overrides: object) -> dict[str, object]:
    """The JSON body of a new sprint as an API client sends it (codes and ISO dates), with `overrides`."""
    data: dict[str, object] = {
        "title": "Kampanjtest vinterbilder",
        "municipality": "kiruna",
        "work_package": "WP1",
        "phase": ["discover", "consider"],
        "method": "campaign-ab",
        "start": "2026-12-01",
        "end": "2027-01-31",
        "goal": "Fler klick på flyttguiden.",
    }
    data.update(overrides)
    return data


def log_result(actor: Actor, sprint: Sprint, **overrides: Any) -> Result:
    values: dict[str, Any] = {
        "metric": "Ansökningar till testveckan",
        "unit": "st",
        "baseline": Decimal("0"),
        "target": Decimal("20"),
        "actual": Decimal("26"),
        "date": datetime.date(2026, 4, 10),
    }
    values.update(overrides)
    return services.result_log(actor=actor, sprint=sprint, **values)


def make_closed_sprint(
    actor: Actor, municipality: Municipality, *, retrospective: dict[str, str], **overrides: Any
) -> Sprint:
    """A sprint with one result (log_result's) closed with `retrospective` (what_worked, surprises, …): what a lead
    promotes to a lesson."""
    sprint = make_sprint(actor, municipality, **overrides)
    log_result(actor, sprint)
    services.sprint_close_with_retrospective(actor=actor, sprint=sprint, **retrospective)
    return sprint


@pytest.fixture
def kiruna_sprint(lead_kiruna: User, kiruna: Municipality) -> Sprint:
    return make_sprint(lead_kiruna, kiruna)
