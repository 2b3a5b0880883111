"""Every write of the sprints app: permission check, validation, one transaction and an activity event each."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from modelsearch import index

from themes.models import Municipality, RelocationPhase, SprintMethod, ValueChainStep, Visibility, WorkPackage
from themes.permissions import Action, require, require_correct_sprint, require_set_board_limits

from .models import (
    ActivityEvent,
    BoardColumnLimit,
    Card,
    Result,
    ResultAttachment,
    Retrospective,
    Sprint,
    Status,
)
from .uploads import validate_attachment

Actor = AbstractBaseUser | AnonymousUser | None

# Fields `sprint_update` may change, in the order the sprint form shows them; status and position change only
# through `sprint_move`, and a sprint never changes municipality (its history and permissions belong to one).
EDITABLE_FIELD_ORDER = (
    "title",
    "goal",
    "hypothesis",
    "work_package",
    "value_chain_step",
    "relocation_phases",
    "method",
    "start",
    "end",
    "team_members",
    "team_note",
    "visibility",
)
EDITABLE_FIELDS = frozenset(EDITABLE_FIELD_ORDER)


def _user(actor: Actor) -> Any:
    """The actor as stored on rows: None for anonymous (who cannot write anyway)."""
    return actor if actor is not None and actor.is_authenticated else None


def _event(
    *, sprint: Sprint, actor: Actor, verb: str, from_status: str = "", to_status: str = "", detail: str = ""
) -> ActivityEvent:
    return ActivityEvent.objects.create(
        sprint=sprint,
        actor=_user(actor),
        verb=verb,
        from_status=from_status,
        to_status=to_status,
        detail=detail[:300],
    )


def _refuse_if_archived(sprint: Sprint) -> None:
    if sprint.archived_at is not None:
        raise ValidationError(_("This sprint is archived. Restore it before you change it."))


def _unique_slug(*, municipality: Municipality, title: str, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:200] or "sprint"
    existing = Sprint.objects.filter(municipality=municipality, slug__startswith=base)
    if exclude_pk is not None:
        existing = existing.exclude(pk=exclude_pk)
    taken = set(existing.values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _next_position(*, municipality: Municipality, status: str) -> int:
    last = Sprint.objects.filter(municipality=municipality, status=status).aggregate(m=Max("position"))["m"]
    return 0 if last is None else last + 1


def _reindex_on_commit(sprint: Sprint) -> None:
    # The retrospective's text is part of the sprint's search document; saving the retrospective
    # does not touch the sprint row, so the search index is refreshed explicitly once committed.
    transaction.on_commit(lambda: index.insert_or_update_object(sprint))


@transaction.atomic
def sprint_create(
    *,
    actor: Actor,
    municipality: Municipality,
    title: str,
    goal: str,
    work_package: WorkPackage,
    method: SprintMethod,
    start: datetime.date,
    end: datetime.date,
    relocation_phases: Iterable[RelocationPhase],
    hypothesis: str = "",
    value_chain_step: ValueChainStep | None = None,
    team_members: Iterable[Any] = (),
    team_note: str = "",
    status: str = Status.IDEA,
    visibility: str = Visibility.INTERNAL,
) -> Sprint:
    """Create a sprint at the bottom of its board column."""
    require(actor, Action.EDIT_SPRINT, municipality=municipality)
    phases = list(relocation_phases)
    if not phases:
        raise ValidationError({"relocation_phases": _("Choose at least one relocation phase.")})
    sprint = Sprint(
        municipality=municipality,
        title=title.strip(),
        goal=goal,
        hypothesis=hypothesis,
        work_package=work_package,
        value_chain_step=value_chain_step,
        method=method,
        start=start,
        end=end,
        status=status,
        visibility=visibility,
        team_note=team_note,
        created_by=_user(actor),
    )
    sprint.slug = _unique_slug(municipality=municipality, title=sprint.title)
    sprint.position = _next_position(municipality=municipality, status=status)
    sprint.full_clean(validate_unique=False, validate_constraints=False)
    sprint.save()
    sprint.relocation_phases.set(phases)
    sprint.team_members.set(list(team_members))
    _event(sprint=sprint, actor=actor, verb=ActivityEvent.Verb.CREATED, to_status=status, detail=sprint.title)
    _reindex_on_commit(sprint)
    return sprint


@transaction.atomic
def sprint_update(*, actor: Actor, sprint: Sprint, changes: Mapping[str, Any]) -> Sprint:
    """Change a sprint's description, classification, team, dates or visibility."""
    require(actor, Action.EDIT_SPRINT, municipality=sprint.municipality)
    _refuse_if_archived(sprint)
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(fields)s") % {"fields": sorted(unknown)}
        )
    if "relocation_phases" in changes and not list(changes["relocation_phases"]):
        raise ValidationError({"relocation_phases": _("Choose at least one relocation phase.")})
    changed = []
    for name, value in changes.items():
        if name in ("relocation_phases", "team_members"):
            continue
        if getattr(sprint, name) != value:
            setattr(sprint, name, value)
            changed.append(name)
    if not changed and not changes.keys() & {"relocation_phases", "team_members"}:
        # The same values sent again (an idempotent PATCH) change nothing: no save, no history entry.
        return sprint
    if "title" in changed:
        sprint.title = sprint.title.strip()
        sprint.slug = _unique_slug(municipality=sprint.municipality, title=sprint.title, exclude_pk=sprint.pk)
    sprint.full_clean(validate_unique=False, validate_constraints=False)
    sprint.save()
    if "relocation_phases" in changes:
        sprint.relocation_phases.set(list(changes["relocation_phases"]))
        changed.append("relocation_phases")
    if "team_members" in changes:
        sprint.team_members.set(list(changes["team_members"]))
        changed.append("team_members")
    _event(sprint=sprint, actor=actor, verb=ActivityEvent.Verb.UPDATED, detail=", ".join(changed))
    _reindex_on_commit(sprint)
    return sprint


def _place(items: list[Any], item: Any, position: int | None) -> list[Any]:
    """`items` with `item` inserted at `position` (clamped; None = last)."""
    others = [other for other in items if other.pk != item.pk]
    at = len(others) if position is None else max(0, min(position, len(others)))
    return [*others[:at], item, *others[at:]]


@transaction.atomic
def sprint_move(*, actor: Actor, sprint: Sprint, status: str, position: int | None = None) -> Sprint:
    """Move a sprint to a board column and a place in it (0 = top; None = bottom), renumbering that column."""
    require(actor, Action.EDIT_SPRINT, municipality=sprint.municipality)
    _refuse_if_archived(sprint)
    if status not in Status.values:
        raise ValidationError({"status": _("Unknown board column: %(status)s") % {"status": status}})
    previous = sprint.status
    column = list(
        Sprint.objects.select_for_update()
        .filter(municipality_id=sprint.municipality_id, status=status)
        .order_by("position", "pk")
        .only("pk", "position")
    )
    sprint.status = status
    ordered = _place(column, sprint, position)
    for number, item in enumerate(ordered):
        item.position = number
    others = [item for item in ordered if item.pk != sprint.pk]
    Sprint.objects.bulk_update(others, ["position"])
    sprint.save(update_fields=["status", "position", "updated_at"])
    _event(
        sprint=sprint,
        actor=actor,
        verb=ActivityEvent.Verb.MOVED,
        from_status=previous,
        to_status=status,
        detail=str(sprint.position),
    )
    return sprint


@transaction.atomic
def card_create(
    *,
    actor: Actor,
    sprint: Sprint,
    title: str,
    owner: Any | None = None,
    due_date: datetime.date | None = None,
    column: str = Card.Column.TODO,
) -> Card:
    require(actor, Action.EDIT_SPRINT, municipality=sprint.municipality)
    _refuse_if_archived(sprint)
    last = Card.objects.filter(sprint=sprint, column=column).aggregate(m=Max("position"))["m"]
    card = Card(
        sprint=sprint,
        title=title.strip(),
        owner=owner,
        due_date=due_date,
        column=column,
        position=0 if last is None else last + 1,
    )
    card.full_clean()
    card.save()
    _event(sprint=sprint, actor=actor, verb=ActivityEvent.Verb.CARD_ADDED, detail=card.title)
    return card


@transaction.atomic
def card_move(*, actor: Actor, card: Card, column: str, position: int | None = None) -> Card:
    """Move an activity card to a column of its sprint's board and a place in it."""
    sprint = card.sprint
    require(actor, Action.EDIT_SPRINT, municipality=sprint.municipality)
    _refuse_if_archived(sprint)
    if column not in Card.Column.values:
        raise ValidationError({"column": _("Unknown column: %(column)s") % {"column": column}})
    previous = card.column
    cards = list(
        Card.objects.select_for_update().filter(sprint=sprint, column=column).order_by("position", "pk")
    )
    card.column = column
    ordered = _place(cards, card, position)
    for number, item in enumerate(ordered):
        item.position = number
    Card.objects.bulk_update([item for item in ordered if item.pk != card.pk], ["position"])
    card.save(update_fields=["column", "position"])
    _event(
        sprint=sprint,
        actor=actor,
        verb=ActivityEvent.Verb.CARD_MOVED,
        from_status=previous,
        to_status=column,
        detail=card.title,
    )
    return card


@transaction.atomic
def result_log(
    *,
    actor: Actor,
    sprint: Sprint,
    metric: str,
    actual: Decimal,
    date: datetime.date,
    unit: str = "",
    baseline: Decimal | None = None,
    target: Decimal | None = None,
    evidence_note: str = "",
) -> Result:
    """Record a measured result of a sprint."""
    require(actor, Action.EDIT_SPRINT, municipality=sprint.municipality)
    _refuse_if_archived(sprint)
    result = Result(
        sprint=sprint,
        metric=metric.strip(),
        unit=unit.strip(),
        baseline=baseline,
        target=target,
        actual=actual,
        date=date,
        evidence_note=evidence_note,
        recorded_by=_user(actor),
    )
    result.full_clean()
    result.save()
    _event(
        sprint=sprint,
        actor=actor,
        verb=ActivityEvent.Verb.RESULT_LOGGED,
        detail=f"{result.metric}: {result.actual} {result.unit}".strip(),
    )
    return result


@transaction.atomic
def sprint_close_with_retrospective(
    *,
    actor: Actor,
    sprint: Sprint,
    what_worked: str,
    what_did_not_work: str = "",
    surprises: str = "",
    next_step: str = "",
) -> Retrospective:
    """Write (or rewrite) the retrospective and move the sprint to the closed column."""
    require(actor, Action.EDIT_SPRINT, municipality=sprint.municipality)
    _refuse_if_archived(sprint)
    retrospective = Retrospective.objects.filter(sprint=sprint).first() or Retrospective(sprint=sprint)
    retrospective.what_worked = what_worked
    retrospective.what_did_not_work = what_did_not_work
    retrospective.surprises = surprises
    retrospective.next_step = next_step
    retrospective.written_by = _user(actor)
    retrospective.full_clean(exclude=["sprint"])
    retrospective.save()
    previous = sprint.status
    if previous != Status.CLOSED:
        sprint.status = Status.CLOSED
        sprint.position = _next_position(municipality=sprint.municipality, status=Status.CLOSED)
        sprint.save(update_fields=["status", "position", "updated_at"])
    sprint.retrospective = retrospective
    _event(
        sprint=sprint,
        actor=actor,
        verb=ActivityEvent.Verb.CLOSED,
        from_status=previous,
        to_status=Status.CLOSED,
    )
    _reindex_on_commit(sprint)
    return retrospective


@transaction.atomic
def attachment_add(*, actor: Actor, result: Result, file: UploadedFile[bytes]) -> ResultAttachment:
    """Attach evidence to a result after checking its type (name and content) and size."""
    sprint = result.sprint
    require(actor, Action.EDIT_SPRINT, municipality=sprint.municipality)
    _refuse_if_archived(sprint)
    name = file.name or ""
    validate_attachment(name=name, size=file.size or 0, stream=file)
    attachment = ResultAttachment(
        result=result, original_name=name[:255], size=file.size or 0, uploaded_by=_user(actor)
    )
    attachment.file.save(name, file, save=False)
    try:
        attachment.save()
    except Exception:
        # The file is written before the row; do not leave an orphan file behind a failed insert.
        attachment.file.delete(save=False)
        raise
    _event(sprint=sprint, actor=actor, verb=ActivityEvent.Verb.ATTACHMENT_ADDED, detail=name)
    return attachment


# --- Corrections: every change keeps who, when and old → new in the sprint's history ----------------------------------

# Fields a correction may change. The sprint a result or card belongs to never changes: its history and
# permissions belong to that sprint.
CORRECTABLE_RESULT_FIELDS = ("metric", "unit", "baseline", "target", "actual", "date", "evidence_note")
EDITABLE_CARD_FIELDS = ("title", "owner", "due_date")


def _shown(value: Any) -> str:
    """A value as the history shows it, fixed at the time of the change (a later rename does not rewrite history)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Model) and hasattr(value, "get_username"):
        return str(value.get_full_name() or value.get_username())  # type: ignore[attr-defined]
    return str(value)


def _apply_changes(
    instance: Model, changes: Mapping[str, Any], allowed: tuple[str, ...]
) -> list[dict[str, str]]:
    """Set the changed fields on `instance`; return the history rows (nothing for a value that stays the same)."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    rows = []
    for name in allowed:
        if name not in changes:
            continue
        value = changes[name]
        if isinstance(value, str):
            value = value.strip()
        old = getattr(instance, name)
        if old != value:
            rows.append({"field": name, "old": _shown(old), "new": _shown(value)})
            setattr(instance, name, value)
    return rows


def _record(
    *, sprint: Sprint, actor: Actor, verb: str, detail: str, changes: list[dict[str, str]]
) -> ActivityEvent:
    return ActivityEvent.objects.create(
        sprint=sprint, actor=_user(actor), verb=verb, detail=detail[:300], changes=changes
    )


def _soft_delete(instance: Result | Card | ResultAttachment, actor: Actor) -> None:
    """Mark the row removed: the default managers leave it out of every figure, the history can still name it."""
    instance.deleted_at = timezone.now()
    instance.deleted_by = _user(actor)
    instance.save(update_fields=["deleted_at", "deleted_by"])


def _check_correction(actor: Actor, sprint: Sprint, *, skip_permission_checks: bool) -> None:
    # The permission check comes first, so that a correction that would change nothing is still refused to
    # someone who may not make it (it must not tell them whether the values match).
    if not skip_permission_checks:
        require_correct_sprint(actor, municipality=sprint.municipality)
    _refuse_if_archived(sprint)


@transaction.atomic
def result_correct(
    *, actor: Actor, result: Result, changes: Mapping[str, Any], skip_permission_checks: bool = False
) -> Result:
    """Correct a logged result; the old and new values go into the sprint's history. Saving the row tells the
    dashboard's cache that its figures are stale, as logging does."""
    sprint = result.sprint
    _check_correction(actor, sprint, skip_permission_checks=skip_permission_checks)
    if result.deleted_at is not None:
        raise ValidationError(_("This result has been removed and cannot be corrected."))
    rows = _apply_changes(result, changes, CORRECTABLE_RESULT_FIELDS)
    if not rows:
        return result
    result.full_clean(exclude=["sprint", "recorded_by", "deleted_by"])
    result.save()
    _record(
        sprint=sprint,
        actor=actor,
        verb=ActivityEvent.Verb.RESULT_CORRECTED,
        detail=result.metric,
        changes=rows,
    )
    return result


@transaction.atomic
def result_remove(*, actor: Actor, result: Result, skip_permission_checks: bool = False) -> Result:
    """Remove a result from every figure. The row stays (soft delete) so that the history can say what was removed."""
    sprint = result.sprint
    _check_correction(actor, sprint, skip_permission_checks=skip_permission_checks)
    if result.deleted_at is not None:
        return result
    _soft_delete(result, actor)
    rows = [
        {"field": name, "old": _shown(getattr(result, name)), "new": ""}
        for name in ("actual", "target", "date")
        if getattr(result, name) is not None
    ]
    _record(
        sprint=sprint, actor=actor, verb=ActivityEvent.Verb.RESULT_REMOVED, detail=result.metric, changes=rows
    )
    return result


@transaction.atomic
def card_update(
    *, actor: Actor, card: Card, changes: Mapping[str, Any], skip_permission_checks: bool = False
) -> Card:
    """Edit an activity card's text, owner or due date (its column changes through `card_move`)."""
    sprint = card.sprint
    _check_correction(actor, sprint, skip_permission_checks=skip_permission_checks)
    if card.deleted_at is not None:
        raise ValidationError(_("This card has been removed and cannot be edited."))
    rows = _apply_changes(card, changes, EDITABLE_CARD_FIELDS)
    if not rows:
        return card
    card.full_clean(exclude=["sprint", "deleted_by"])
    card.save()
    _record(sprint=sprint, actor=actor, verb=ActivityEvent.Verb.CARD_EDITED, detail=card.title, changes=rows)
    return card


@transaction.atomic
def card_remove(*, actor: Actor, card: Card, skip_permission_checks: bool = False) -> Card:
    sprint = card.sprint
    _check_correction(actor, sprint, skip_permission_checks=skip_permission_checks)
    if card.deleted_at is not None:
        return card
    _soft_delete(card, actor)
    _record(sprint=sprint, actor=actor, verb=ActivityEvent.Verb.CARD_REMOVED, detail=card.title, changes=[])
    return card


@transaction.atomic
def attachment_remove(
    *, actor: Actor, attachment: ResultAttachment, skip_permission_checks: bool = False
) -> ResultAttachment:
    """Take a piece of evidence off a result. The file stays in storage until the row is purged: the history names
    it, and a removal made by mistake can be undone by an operator."""
    sprint = attachment.result.sprint
    _check_correction(actor, sprint, skip_permission_checks=skip_permission_checks)
    if attachment.deleted_at is not None:
        return attachment
    _soft_delete(attachment, actor)
    _record(
        sprint=sprint,
        actor=actor,
        verb=ActivityEvent.Verb.ATTACHMENT_REMOVED,
        detail=f"{attachment.original_name} ({attachment.result.metric})",
        changes=[],
    )
    return attachment


@transaction.atomic
def sprint_archive(*, actor: Actor, sprint: Sprint, skip_permission_checks: bool = False) -> Sprint:
    """Take a sprint off its municipality's board. Its page, results and history stay; it can be restored."""
    if not skip_permission_checks:
        require_correct_sprint(actor, municipality=sprint.municipality)
    if sprint.archived_at is not None:
        return sprint
    sprint.archived_at = timezone.now()
    sprint.save(update_fields=["archived_at", "updated_at"])
    _event(sprint=sprint, actor=actor, verb=ActivityEvent.Verb.ARCHIVED, from_status=sprint.status)
    return sprint


@transaction.atomic
def sprint_restore(*, actor: Actor, sprint: Sprint, skip_permission_checks: bool = False) -> Sprint:
    """Put an archived sprint back on its board, at the bottom of the column it was in."""
    if not skip_permission_checks:
        require_correct_sprint(actor, municipality=sprint.municipality)
    if sprint.archived_at is None:
        return sprint
    sprint.archived_at = None
    sprint.position = _next_position(municipality=sprint.municipality, status=sprint.status)
    sprint.save(update_fields=["archived_at", "position", "updated_at"])
    _event(sprint=sprint, actor=actor, verb=ActivityEvent.Verb.RESTORED, to_status=sprint.status)
    return sprint


@transaction.atomic
def board_limits_set(
    *,
    actor: Actor,
    municipality: Municipality,
    limits: Mapping[str, int | None],
    skip_permission_checks: bool = False,
) -> dict[str, int]:
    """Set the soft work-in-progress limits of a municipality's board columns; None (or 0) removes a column's limit.
    Returns the limits now in force."""
    if not skip_permission_checks:
        require_set_board_limits(actor, municipality=municipality)
    unknown = set(limits) - set(Status.values)
    if unknown:
        raise ValidationError(_("Unknown board column: %(status)s") % {"status": ", ".join(sorted(unknown))})
    for status, limit in limits.items():
        if not limit:
            BoardColumnLimit.objects.filter(municipality=municipality, status=status).delete()
            continue
        row = BoardColumnLimit.objects.filter(municipality=municipality, status=status).first()
        row = row or BoardColumnLimit(municipality=municipality, status=status)
        row.limit = limit
        try:
            row.full_clean(exclude=["municipality"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            label = Status(status).label
            raise ValidationError(
                {
                    status: [
                        f"{label}: {message}" for message in error.message_dict.get("limit", error.messages)
                    ]
                }
            ) from error
        row.save()
    return dict(BoardColumnLimit.objects.filter(municipality=municipality).values_list("status", "limit"))
