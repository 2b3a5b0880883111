"""Sprints and results for the dashboard tests, created through the sprints app's services as a coordinator would."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal

from sprints.models import Result, Sprint
from sprints.services import Actor
from themes.models import Municipality


def make_sprint(
    actor: Actor,
    slug: str,
    title: str,
    *,
    wp: str,
    method: str,
    status: str,
    visibility: str,
    phases: Iterable[str],
) -> Sprint:
    from sprints import services
    from themes.models import RelocationPhase, SprintMethod, WorkPackage

    return services.sprint_create(
        actor=actor,
        municipality=Municipality.objects.get(slug=slug),
        title=title,
        goal="Syntetiskt testmål.",
        work_package=WorkPackage.objects.get(code=wp),
        method=SprintMethod.objects.get(code=method),
        start=datetime.date(2026, 3, 1),
        end=datetime.date(2026, 4, 15),
        relocation_phases=list(RelocationPhase.objects.filter(code__in=phases)),
        status=status,
        visibility=visibility,
    )


def make_result(
    actor: Actor, sprint: Sprint, actual: str, *, baseline: str | None = None, target: str | None = None
) -> Result:
    from sprints import services

    return services.result_log(
        actor=actor,
        sprint=sprint,
        metric="Mätvärde",
        actual=Decimal(actual),
        baseline=None if baseline is None else Decimal(baseline),
        target=None if target is None else Decimal(target),
        date=datetime.date(2026, 4, 10),
    )


def add_shared_segments(mix_by_municipality: Mapping[str, tuple[int, int, int, int]]) -> None:
    """One shared segment per municipality slug, with its prospects in (attention, interest, desire, action)."""
    from insights.models import Segment

    for slug, mix in mix_by_municipality.items():
        Segment.objects.create(
            municipality=Municipality.objects.get(slug=slug),
            key="DE:family:northern_lights",
            country="DE",
            life_stage="family",
            interest="northern_lights",
            size=sum(mix),
            mean_score=0.3,
            aida_mix=dict(zip(("attention", "interest", "desire", "action"), mix, strict=True)),
        )
