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
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _
from modelsearch import index

from themes.models import Municipality, RelocationPhase, SprintMethod, ValueChainStep, Visibility, WorkPackage
from themes.permissions import Action, require

from .models import ActivityEvent, Card, Result, ResultAttachment, Retrospective, Sprint, Status
from .uploads import validate_attachment

Actor = AbstractBaseUser | AnonymousUser | None

# Fields `sprint_update` may change; status and position change only through `sprint_move`,
# and a sprint never changes municipality (its history and permissions belong to one).
EDITABLE_FIELDS = frozenset(
    {
        "title",
        "goal",
        "hypothesis",
        "work_package",
        "value_chain_step",
        "relocation_phases",
        "method",
        "team_members",
        "team_note",
        "start",
        "end",
        "visibility",
    }
)


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
def attachment_add(*, actor: Actor, result: Result, file: UploadedFile) -> ResultAttachment:
    """Attach evidence to a result after checking its type (name and content) and size."""
    sprint = result.sprint
    require(actor, Action.EDIT_SPRINT, municipality=sprint.municipality)
    name = file.name or ""
    validate_attachment(name=name, size=file.size or 0, stream=file)  # type: ignore[arg-type]
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
