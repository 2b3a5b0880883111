"""Demo action plans for `seed_demo`, loaded from demo/plans.yaml through the services (idempotent). SYNTHETIC: the
plans are made up, and every indicator value is imported with synthetic=true, so pages label it as such."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from sprints.models import Sprint
from themes.models import Municipality, RelocationPhase, ValueChainStep, Visibility, WorkPackage

from . import services
from .models import ActionPlan

DEMO_FILE = Path(settings.BASE_DIR) / "demo" / "plans.yaml"


def _indicator_csv(data: dict[str, Any]) -> bytes:
    """The demo indicator values as an import file, so they go through the same import (and its checks) as real ones."""
    lines = ["municipality;period;indicator;value;source;date;synthetic"]
    for plan in data["plans"]:
        for kind, value in plan.get("indicators", {}).items():
            lines.append(
                f"{plan['municipality']};{data['period']};{kind};{value};{data['indicator_source']};"
                f"{data['indicator_date']};ja"
            )
    return ("\n".join(lines) + "\n").encode("utf-8")


def load(path: Path = DEMO_FILE, *, stdout: Any = None) -> int:
    """Create the plans of `path` that do not exist yet; returns how many were created."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    period = str(data["period"])
    report = services.indicator_values_import(
        actor=None, skip_permission_checks=True, file=io.BytesIO(_indicator_csv(data)), synthetic=True
    )
    if report.status != "imported":
        raise ValueError(f"demo indicator values rejected: {[e.as_dict() for e in report.errors]}")
    steps = {s.code: s for s in ValueChainStep.objects.all()}
    phases = {p.code: p for p in RelocationPhase.objects.all()}
    packages = {w.code: w for w in WorkPackage.objects.all()}
    coordinator = get_user_model().objects.filter(username="coordinator").first()
    created = 0
    for spec in data["plans"]:
        municipality = Municipality.objects.get(slug=spec["municipality"])
        if ActionPlan.objects.filter(municipality=municipality, period=period).exists():
            continue
        with transaction.atomic():
            _create(spec, municipality, period, steps, phases, packages, coordinator)
        created += 1
    if stdout is not None:
        stdout.write(f"Plans: {created} demo action plans, {report.imported} synthetic indicator values.")
    return created


def _create(
    spec: dict[str, Any],
    municipality: Municipality,
    period: str,
    steps: dict[str, ValueChainStep],
    phases: dict[str, RelocationPhase],
    packages: dict[str, WorkPackage],
    coordinator: Any,
) -> None:
    system: dict[str, Any] = {"actor": None, "skip_permission_checks": True}
    plan = services.action_plan_create(
        **system,
        municipality=municipality,
        period=period,
        summary=spec.get("summary", ""),
        visibility=spec.get("visibility", Visibility.PUBLIC),
    )
    needs = [
        services.need_add(
            **system,
            plan=plan,
            text=need["text"],
            value_chain_step=steps[need["value_chain"]],
            relocation_phase=phases[need["phase"]],
            work_package=packages[need["wp"]],
            tags=need.get("tags", []),
        )
        for need in spec["needs"]
    ]
    goals = [
        services.goal_add(
            **system,
            plan=plan,
            indicator=goal["indicator"],
            unit=goal.get("unit", ""),
            baseline=Decimal(str(goal["baseline"])),
            target=Decimal(str(goal["target"])),
            due=datetime.date.fromisoformat(goal["due"]),
            capacity_indicator=goal.get("capacity", ""),
            result_metric=goal.get("metric", ""),
        )
        for goal in spec["goals"]
    ]
    sprints = {s.title: s for s in Sprint.objects.filter(municipality=municipality)}
    for item in spec.get("activities", []):
        activity = services.activity_add(
            **system,
            plan=plan,
            title=item["title"],
            status=item.get("status", "planned"),
            drop_reason=item.get("drop_reason", ""),
            need=needs[item["need"] - 1] if item.get("need") else None,
            goal=goals[item["goal"] - 1] if item.get("goal") else None,
        )
        for title in item.get("sprints", []):
            if title in sprints:  # a demo sprint renamed in sprints/demo.py is simply not linked
                services.activity_link_sprint(**system, activity=activity, sprint=sprints[title])
    status = spec.get("status", ActionPlan.Status.DRAFT)
    if status in (ActionPlan.Status.SUBMITTED, ActionPlan.Status.APPROVED):
        services.action_plan_submit(**system, plan=plan)
    if status == ActionPlan.Status.APPROVED:
        services.action_plan_approve(
            actor=coordinator,
            skip_permission_checks=coordinator is None,
            plan=plan,
            comment="Godkänd som demoplan (syntetiska demodata).",
        )


def seed(*, stdout: Any) -> None:
    load(stdout=stdout)
