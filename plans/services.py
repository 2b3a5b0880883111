"""Every write of the plans app: plans, needs, goals and activities, the review workflow, and the indicator import.

Each service checks its permission through `themes.permissions` inside its transaction. Any change to a plan's
content goes through `_open_for_edit`, which is where versioning lives: an approved plan that is edited becomes the
draft of its next version (the approved one stays frozen in `ActionPlanVersion`), and a submitted plan that is edited
goes back to draft, since the coordinating team would otherwise review something other than what it approves.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sprints.models import Sprint
from sprints.selectors import visible_sprints
from themes.models import Municipality, RelocationPhase, ValueChainStep, Visibility, WorkPackage
from themes.permissions import (
    can_import_indicators,
    require_edit_action_plan,
    require_review_action_plans,
)

from . import indicators, selectors
from .models import PERIOD_PATTERN, ActionPlan, ActionPlanVersion, Activity, Goal, IndicatorValue, Need

Actor = AbstractBaseUser | AnonymousUser | None


def _user(actor: Actor) -> Any:
    return actor if actor is not None and actor.is_authenticated else None


def _locked(plan: ActionPlan) -> ActionPlan:
    """The plan's row, locked for this transaction, so two edits cannot both start the next version."""
    return ActionPlan.objects.select_for_update().select_related("municipality").get(pk=plan.pk)


def _open_for_edit(*, actor: Actor, plan: ActionPlan, skip_permission_checks: bool = False) -> ActionPlan:
    """Check the edit permission and make the plan a draft: an approved plan starts its next version."""
    if not skip_permission_checks:
        require_edit_action_plan(actor, municipality=plan.municipality)
    stored = _locked(plan)
    if stored.status == ActionPlan.Status.APPROVED:
        stored.version += 1
    if stored.status != ActionPlan.Status.DRAFT:
        stored.status = ActionPlan.Status.DRAFT
        stored.save(update_fields=["status", "version", "updated_at"])
    else:
        stored.save(update_fields=["updated_at"])
    # The caller's object follows, so that a page rendered after the write shows the new state.
    plan.status, plan.version = stored.status, stored.version
    return stored


def _next_position(queryset: Any) -> int:
    last = queryset.aggregate(m=Max("position"))["m"]
    return 0 if last is None else int(last) + 1


@transaction.atomic
def action_plan_create(
    *,
    actor: Actor,
    skip_permission_checks: bool = False,
    municipality: Municipality,
    period: str,
    summary: str = "",
    visibility: str = Visibility.INTERNAL,
) -> ActionPlan:
    """A new draft plan (version 1) of `municipality` for `period`; one plan per municipality and period."""
    if not skip_permission_checks:
        require_edit_action_plan(actor, municipality=municipality)
    period = period.strip()
    if not re.match(PERIOD_PATTERN, period):
        raise ValidationError(
            {"period": _("Write the period as a year (2026) or a span of years (2026-2027).")}
        )
    if ActionPlan.objects.filter(municipality=municipality, period=period).exists():
        raise ValidationError(
            {
                "period": _("%(municipality)s already has a plan for %(period)s.")
                % {"municipality": municipality, "period": period}
            }
        )
    plan = ActionPlan(
        municipality=municipality,
        period=period,
        summary=summary.strip(),
        visibility=visibility,
        created_by=_user(actor),
    )
    plan.full_clean(validate_constraints=False)
    plan.save()
    return plan


@transaction.atomic
def action_plan_update(
    *, actor: Actor, plan: ActionPlan, summary: str | None = None, visibility: str | None = None
) -> ActionPlan:
    """Change the plan's summary or visibility (a content change: see `_open_for_edit`)."""
    stored = _open_for_edit(actor=actor, plan=plan)
    if summary is not None:
        stored.summary = summary.strip()
    if visibility is not None:
        stored.visibility = visibility
    stored.full_clean(validate_unique=False, validate_constraints=False)
    stored.save()
    return stored


@transaction.atomic
def need_add(
    *,
    actor: Actor,
    skip_permission_checks: bool = False,
    plan: ActionPlan,
    text: str,
    value_chain_step: ValueChainStep,
    relocation_phase: RelocationPhase,
    work_package: WorkPackage,
    tags: Iterable[str] = (),
) -> Need:
    """Add a need or friction point ("skav"); its force follows from the value-chain step."""
    stored = _open_for_edit(actor=actor, plan=plan, skip_permission_checks=skip_permission_checks)
    need = Need(
        plan=stored,
        text=text.strip(),
        value_chain_step=value_chain_step,
        relocation_phase=relocation_phase,
        work_package=work_package,
        position=_next_position(Need.objects.filter(plan=stored)),
    )
    need.full_clean()
    need.save()
    names = sorted({tag.strip().lower() for tag in tags if tag.strip()})
    if names:
        need.tags.set(names)
    return need


@transaction.atomic
def need_remove(*, actor: Actor, need: Need) -> None:
    """Remove a need; activities that answered it keep their place in the plan, without the link."""
    _open_for_edit(actor=actor, plan=need.plan)
    need.delete()


@transaction.atomic
def goal_add(
    *,
    actor: Actor,
    skip_permission_checks: bool = False,
    plan: ActionPlan,
    indicator: str,
    baseline: Decimal,
    target: Decimal,
    due: datetime.date,
    unit: str = "",
    capacity_indicator: str = "",
    result_metric: str = "",
) -> Goal:
    """Add a goal: an indicator from a baseline to a target by a date."""
    stored = _open_for_edit(actor=actor, plan=plan, skip_permission_checks=skip_permission_checks)
    goal = Goal(
        plan=stored,
        indicator=indicator.strip(),
        unit=unit.strip(),
        baseline=baseline,
        target=target,
        due=due,
        capacity_indicator=capacity_indicator,
        result_metric=result_metric.strip(),
        position=_next_position(Goal.objects.filter(plan=stored)),
    )
    goal.full_clean(validate_constraints=False)
    goal.save()
    return goal


@transaction.atomic
def goal_remove(*, actor: Actor, goal: Goal) -> None:
    _open_for_edit(actor=actor, plan=goal.plan)
    goal.delete()


def _check_parts(*, plan: ActionPlan, need: Need | None, goal: Goal | None) -> None:
    if need is not None and need.plan_id != plan.pk:
        raise ValidationError({"need": _("The need belongs to another plan.")})
    if goal is not None and goal.plan_id != plan.pk:
        raise ValidationError({"goal": _("The goal belongs to another plan.")})


def _check_drop_reason(status: str, drop_reason: str) -> None:
    if status not in Activity.Status.values:
        raise ValidationError({"status": _("Unknown activity status: %(status)s") % {"status": status}})
    if status == Activity.Status.DROPPED and not drop_reason.strip():
        raise ValidationError({"drop_reason": _("Say why the activity was dropped.")})


@transaction.atomic
def activity_add(
    *,
    actor: Actor,
    skip_permission_checks: bool = False,
    plan: ActionPlan,
    title: str,
    status: str = Activity.Status.PLANNED,
    drop_reason: str = "",
    need: Need | None = None,
    goal: Goal | None = None,
) -> Activity:
    """Add a planned activity, optionally answering one of the plan's needs and serving one of its goals."""
    stored = _open_for_edit(actor=actor, plan=plan, skip_permission_checks=skip_permission_checks)
    _check_parts(plan=stored, need=need, goal=goal)
    _check_drop_reason(status, drop_reason)
    activity = Activity(
        plan=stored,
        title=title.strip(),
        status=status,
        drop_reason=drop_reason.strip() if status == Activity.Status.DROPPED else "",
        need=need,
        goal=goal,
        position=_next_position(Activity.objects.filter(plan=stored)),
    )
    activity.full_clean(validate_constraints=False)
    activity.save()
    return activity


@transaction.atomic
def activity_set_status(*, actor: Actor, activity: Activity, status: str, drop_reason: str = "") -> Activity:
    """Follow an activity up: planned, running, done, or dropped with a reason."""
    _open_for_edit(actor=actor, plan=activity.plan)
    _check_drop_reason(status, drop_reason)
    activity.status = status
    activity.drop_reason = drop_reason.strip() if status == Activity.Status.DROPPED else ""
    activity.save(update_fields=["status", "drop_reason"])
    return activity


@transaction.atomic
def activity_link_sprint(
    *, actor: Actor, skip_permission_checks: bool = False, activity: Activity, sprint: Sprint
) -> Activity:
    """Link a sprint of the plan's municipality that carries the activity out (a sprint may serve several)."""
    plan = activity.plan
    _open_for_edit(actor=actor, plan=plan, skip_permission_checks=skip_permission_checks)
    # A sprint the person cannot see is not theirs to link: its existence must not even show.
    if not skip_permission_checks and not visible_sprints(actor).filter(pk=sprint.pk).exists():
        raise ValidationError({"sprint": _("No such sprint.")})
    if sprint.municipality_id != plan.municipality_id:
        raise ValidationError(
            {
                "sprint": _("Only sprints of %(municipality)s can carry out its plan.")
                % {"municipality": plan.municipality}
            }
        )
    activity.sprints.add(sprint)
    return activity


@transaction.atomic
def activity_unlink_sprint(*, actor: Actor, activity: Activity, sprint: Sprint) -> Activity:
    _open_for_edit(actor=actor, plan=activity.plan)
    activity.sprints.remove(sprint)
    return activity


@transaction.atomic
def action_plan_submit(*, actor: Actor, skip_permission_checks: bool = False, plan: ActionPlan) -> ActionPlan:
    """Send a draft to the coordinating team for review."""
    if not skip_permission_checks:
        require_edit_action_plan(actor, municipality=plan.municipality)
    stored = _locked(plan)
    if stored.status != ActionPlan.Status.DRAFT:
        raise ValidationError(_("Only a draft can be submitted for review."))
    if not Need.objects.filter(plan=stored).exists() or not Goal.objects.filter(plan=stored).exists():
        raise ValidationError(_("A plan needs at least one need and one goal before it is submitted."))
    stored.status = ActionPlan.Status.SUBMITTED
    stored.submitted_at = timezone.now()
    stored.save(update_fields=["status", "submitted_at", "updated_at"])
    plan.status, plan.submitted_at = stored.status, stored.submitted_at
    return stored


@transaction.atomic
def action_plan_approve(
    *, actor: Actor, skip_permission_checks: bool = False, plan: ActionPlan, comment: str = ""
) -> ActionPlanVersion:
    """Approve a submitted plan: its current content is frozen as version `plan.version`."""
    if not skip_permission_checks:
        require_review_action_plans(actor)
    stored = _locked(plan)
    if stored.status != ActionPlan.Status.SUBMITTED:
        raise ValidationError(_("Only a plan submitted for review can be approved."))
    now = timezone.now()
    stored.status = ActionPlan.Status.APPROVED
    stored.review_comment = comment.strip()
    stored.reviewed_by = _user(actor)
    stored.reviewed_at = now
    stored.save(update_fields=["status", "review_comment", "reviewed_by", "reviewed_at", "updated_at"])
    version = ActionPlanVersion.objects.create(
        plan=stored,
        number=stored.version,
        content=selectors.plan_document(stored, levels=tuple(Visibility.values)),
        approved_by=_user(actor),
        approved_at=now,
        comment=stored.review_comment,
    )
    plan.status, plan.review_comment = stored.status, stored.review_comment
    return version


@transaction.atomic
def action_plan_return(*, actor: Actor, plan: ActionPlan, comment: str) -> ActionPlan:
    """Send a submitted plan back to its municipality as a draft, with the reviewer's comment."""
    require_review_action_plans(actor)
    if not comment.strip():
        raise ValidationError({"comment": _("Say what should change before the plan can be approved.")})
    stored = _locked(plan)
    if stored.status != ActionPlan.Status.SUBMITTED:
        raise ValidationError(_("Only a plan submitted for review can be sent back."))
    stored.status = ActionPlan.Status.DRAFT
    stored.review_comment = comment.strip()
    stored.reviewed_by = _user(actor)
    stored.reviewed_at = timezone.now()
    stored.save(update_fields=["status", "review_comment", "reviewed_by", "reviewed_at", "updated_at"])
    plan.status, plan.review_comment = stored.status, stored.review_comment
    return stored


def indicator_values_import(
    *,
    actor: Actor,
    skip_permission_checks: bool = False,
    file: str | Path | BinaryIO,
    synthetic: bool = False,
) -> indicators.ImportReport:
    """Validate the whole file, then store every row in one transaction, or nothing.

    A row for a municipality the person may not report for is an error on that row, like any other invalid value,
    so the file is rejected as a whole and the report says which rows.
    """
    result = indicators.validate(file)
    if result.errors:
        return indicators.ImportReport(status="rejected", errors=result.errors)
    if not skip_permission_checks:
        refused = [
            indicators.ImportError(
                row=row.row,
                column=row.municipality_column,
                message=_("You cannot report indicator values for %(municipality)s.")
                % {"municipality": row.municipality},
            )
            for row in result.rows
            if not can_import_indicators(actor, municipality=row.municipality)
        ]
        if refused:
            return indicators.ImportReport(status="rejected", errors=refused)
    with transaction.atomic():
        for row in result.rows:
            IndicatorValue.objects.update_or_create(
                municipality=row.municipality,
                period=row.period,
                kind=row.kind,
                date=row.date,
                defaults={
                    "value": row.value,
                    "source": row.source,
                    "synthetic": synthetic or row.synthetic,
                    "imported_by": _user(actor),
                },
            )
    return indicators.ImportReport(status="imported", imported=len(result.rows))
