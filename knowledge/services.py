"""Every write of the knowledge app: drafting lessons, promotion from sprints, review and publication."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import Revision
from wagtail.rich_text import RichText

from themes.models import Municipality, RelocationPhase, SprintMethod, ValueChainStep, Visibility, WorkPackage
from themes.permissions import Action, can, require

from .importer import ParsedPage
from .models import (
    Evidence,
    ExchangeMeetingPage,
    KnowledgeIndexPage,
    KnowledgePage,
    LessonPage,
    MethodCardPage,
)
from .selectors import knowledge_index


def _index() -> KnowledgeIndexPage:
    index = knowledge_index()
    if index is None:
        raise ValidationError(_("The knowledge index page is missing; run the migrations."))
    return index


def unique_slug(*, parent: KnowledgeIndexPage, base: str) -> str:
    """A slug free under `parent`, derived from `base` (a title or a wanted slug)."""
    root = slugify(base, allow_unicode=False)[:70] or "lektion"
    slug, number = root, 2
    siblings = set(parent.get_children().values_list("slug", flat=True))
    while slug in siblings:
        slug, number = f"{root}-{number}", number + 1
    return slug


def _require_draft(user: Any, municipality: Municipality | None) -> None:
    require(user, Action.DRAFT_KNOWLEDGE, municipality=municipality)


@transaction.atomic
def lesson_create_draft(
    *,
    user: Any,
    title: str,
    municipality: Municipality | None,
    summary: str = "",
    context: str = "",
    what_we_did: str = "",
    result: str = "",
    advice: str = "",
    evidence: str = Evidence.ANECDOTE,
    work_package: WorkPackage | None = None,
    value_chain_step: ValueChainStep | None = None,
    relocation_phases: Sequence[RelocationPhase] = (),
    method: SprintMethod | None = None,
    tags: Sequence[str] = (),
    visibility: str = Visibility.INTERNAL,
    review_by: datetime.date | None = None,
    date: datetime.date | None = None,
    slug: str = "",
    source_sprint: Any | None = None,
) -> LessonPage:
    """Create an unpublished lesson owned by `user`, with a first revision (so Wagtail shows and compares it)."""
    _require_draft(user, municipality)
    index = _index()
    lesson = LessonPage(
        title=title,
        slug=unique_slug(parent=index, base=slug or title),
        live=False,
        owner=user,
        municipality=municipality,
        summary=summary,
        context=context,
        what_we_did=what_we_did,
        result=result,
        advice=advice,
        evidence=evidence,
        work_package=work_package,
        value_chain_step=value_chain_step,
        method=method,
        visibility=visibility,
        review_by=review_by,
        date=date,
    )
    if source_sprint is not None:
        lesson.source_sprint = source_sprint
    lesson.relocation_phases.set(list(relocation_phases))
    lesson.tags.set(list(tags))
    index.add_child(instance=lesson)
    lesson.save_revision(user=user, log_action=True)
    return lesson


def _can_edit(user: Any, page: KnowledgePage) -> bool:
    return can(user, Action.PUBLISH_KNOWLEDGE) or (
        can(user, Action.DRAFT_KNOWLEDGE, municipality=page.municipality) and page.owner_id == user.pk
    )


@transaction.atomic
def lesson_submit_for_review(*, user: Any, lesson: LessonPage) -> None:
    """Start the coordinating team's review workflow on the lesson's latest revision (no-op if already under review)."""
    _require_draft(user, lesson.municipality)
    if not _can_edit(user, lesson):
        raise PermissionDenied(
            _("Only the lesson's owner or the coordinating team can submit it for review.")
        )
    if lesson.workflow_in_progress:
        return
    workflow = lesson.get_workflow()
    if workflow is None:
        raise ValidationError(_("No review workflow is configured for the knowledge base."))
    if lesson.latest_revision is None:
        lesson.save_revision(user=user, log_action=True)
    workflow.start(lesson, user)


@transaction.atomic
def lesson_publish(*, user: Any, lesson: LessonPage) -> Revision:
    """Approve the review (which publishes, or schedules if a go-live date is set), or publish directly if none runs.

    Returns the revision that was published or scheduled.
    """
    require(user, Action.PUBLISH_KNOWLEDGE)
    task_state = lesson.current_workflow_task_state
    if task_state is not None:
        revision = task_state.revision
        task_state.approve(user=user)
        lesson.refresh_from_db()
        return revision
    revision = lesson.get_latest_revision() or lesson.save_revision(user=user)
    revision.publish(user=user)
    lesson.refresh_from_db()
    return revision


_PAGE_TYPES: dict[str, type[KnowledgePage]] = {
    "lesson": LessonPage,
    "method": MethodCardPage,
    "exchange": ExchangeMeetingPage,
}


@dataclass(frozen=True)
class ImportOutcome:
    page: KnowledgePage
    created: bool
    revision: Revision
    published: bool


@transaction.atomic
def knowledge_page_import(*, parsed: ParsedPage, publish: bool) -> ImportOutcome:
    """Create or update the page with `parsed.slug` as a new revision (published if asked).

    Run by an operator (manage.py import_knowledge), so there is no user to check; the revision
    is attributed to the page's owner.
    """
    index = _index()
    page_type = _PAGE_TYPES[parsed.kind]
    existing = KnowledgePage.objects.child_of(index).filter(slug=parsed.slug).first()
    created = existing is None
    if existing is not None:
        current = existing.specific
        if not isinstance(current, page_type):
            raise ValidationError(
                _("The slug %(slug)s already belongs to a page of another type.") % {"slug": parsed.slug}
            )
        page = current.get_latest_revision_as_object()
    else:
        page = page_type(slug=parsed.slug, live=False)
    page.title = parsed.title
    page.language = parsed.language
    page.visibility = parsed.visibility
    page.owner = parsed.owner
    for name, value in parsed.fields.items():
        setattr(page, name, value)
    page.body = [
        ("section", {"heading": heading, "text": RichText(html)}) for heading, html in parsed.sections
    ]
    page.relocation_phases.set(parsed.phases)
    page.tags.set(parsed.tags)
    if created:
        index.add_child(instance=page)
    revision = page.save_revision(user=parsed.owner, log_action=True)
    if publish:
        # The operator decided to publish; the owner (perhaps a lead) is credited, not checked.
        revision.publish(user=parsed.owner, skip_permission_checks=True)
    return ImportOutcome(page=page, created=created, revision=revision, published=publish)
