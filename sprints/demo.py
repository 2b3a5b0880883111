"""Demo sprints for `seed_demo`, read from demo/sprints.yaml (synthetic demo data) and created through the services."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.text import slugify

from themes.demodata import DemoDataError, demo_path, entry, read_yaml
from themes.models import Municipality, RelocationPhase, SprintMethod, ValueChainStep, Visibility, WorkPackage

from . import services
from .models import Card, Sprint, Status

SYNTHETIC = "Syntetiska demodata."
Figure = int | float | str
Term = TypeVar("Term", Municipality, WorkPackage, ValueChainStep, RelocationPhase, SprintMethod)


@dataclass(frozen=True)
class DemoCard:
    title: str
    column: str


@dataclass(frozen=True)
class DemoResult:
    """Figures as YAML reads them (1.2 is a float); they become Decimal through str()."""

    metric: str
    unit: str
    actual: Figure
    baseline: Figure | None = None
    target: Figure | None = None


@dataclass(frozen=True)
class DemoRetrospective:
    what_worked: str
    what_did_not_work: str
    surprises: str
    next_step: str


@dataclass(frozen=True)
class DemoSprint:
    municipality: str
    title: str
    goal: str
    hypothesis: str
    work_package: str
    value_chain: str
    phases: list[str]
    method: str
    start: datetime.date
    weeks: int
    status: str
    visibility: str = Visibility.PUBLIC
    cards: tuple[DemoCard, ...] = ()
    results: tuple[DemoResult, ...] = ()
    retrospective: DemoRetrospective | None = None


def demo_sprints() -> list[DemoSprint]:
    where = str(demo_path("sprints.yaml"))
    return [
        entry(DemoSprint, value, where=f"{where}, sprint {number}")
        for number, value in enumerate(read_yaml("sprints.yaml") or [], start=1)
    ]


def _decimal(value: Figure | None) -> Decimal | None:
    # str() first: Decimal(1.2) would keep the float's binary error.
    return None if value is None else Decimal(str(value))


def seed(*, stdout: Any) -> None:
    """Create the demo sprints that do not exist yet, as their municipality's lead (run after the demo users)."""
    User = get_user_model()
    leads = {user.username: user for user in User.objects.filter(username__startswith="lead-")}
    created = 0
    for spec in demo_sprints():
        municipality = _term(Municipality, spec.municipality, spec)
        if Sprint.objects.filter(municipality=municipality, slug=slugify(spec.title)).exists():
            continue
        lead = leads.get(f"lead-{spec.municipality}")
        if lead is None:
            stdout.write(f"Skipped demo sprint {spec.title!r}: no user lead-{spec.municipality}.")
            continue
        with transaction.atomic():
            _create(spec, lead, municipality)
        created += 1
    stdout.write(f"Demo sprints: {created} created, {Sprint.objects.count()} in total.")


def _term(model: type[Term], code: str, spec: DemoSprint) -> Term:
    """A taxonomy term by its code (a municipality by its slug); an unknown one names the sprint."""
    lookup = {"slug": code} if model is Municipality else {"code": code}
    term = model._default_manager.filter(**lookup).first()
    if term is None:
        name = model._meta.verbose_name
        raise DemoDataError(f"{demo_path('sprints.yaml')}, sprint {spec.title!r}: unknown {name} '{code}'")
    return term


def _create(spec: DemoSprint, lead: Any, municipality: Municipality) -> None:
    start = spec.start
    initial = Status.RUNNING if spec.status in (Status.LEARNED, Status.CLOSED) else spec.status
    sprint = services.sprint_create(
        actor=lead,
        municipality=municipality,
        title=spec.title,
        goal=spec.goal,
        hypothesis=spec.hypothesis,
        work_package=_term(WorkPackage, spec.work_package, spec),
        value_chain_step=_term(ValueChainStep, spec.value_chain, spec),
        relocation_phases=[_term(RelocationPhase, code, spec) for code in spec.phases],
        method=_term(SprintMethod, spec.method, spec),
        start=start,
        end=start + datetime.timedelta(weeks=spec.weeks),
        team_members=[lead],
        team_note="Demoteam (syntetiskt exempel)",
        status=initial,
        visibility=spec.visibility,
    )
    for card_spec in spec.cards:
        card = services.card_create(
            actor=lead, sprint=sprint, title=card_spec.title, owner=lead, due_date=sprint.end
        )
        if card_spec.column != Card.Column.TODO:
            services.card_move(actor=lead, card=card, column=card_spec.column)
    for i, result in enumerate(spec.results):
        services.result_log(
            actor=lead,
            sprint=sprint,
            metric=result.metric,
            unit=result.unit,
            baseline=_decimal(result.baseline),
            target=_decimal(result.target),
            actual=Decimal(str(result.actual)),
            # One day apart, backwards from the end, so the result chart has distinct points.
            date=min(sprint.end, start + datetime.timedelta(weeks=spec.weeks, days=-i)),
            evidence_note=SYNTHETIC,
        )
    retrospective = spec.retrospective
    if retrospective is not None and spec.status in (Status.LEARNED, Status.CLOSED):
        services.sprint_close_with_retrospective(
            actor=lead,
            sprint=sprint,
            what_worked=retrospective.what_worked,
            what_did_not_work=retrospective.what_did_not_work,
            surprises=retrospective.surprises,
            next_step=retrospective.next_step,
        )
        if spec.status == Status.LEARNED:
            # A learned sprint has its retrospective but is not closed yet: the lessons are still being written up.
            services.sprint_move(actor=lead, sprint=sprint, status=Status.LEARNED)
