"""Every write of the knowledge app: drafting lessons, promotion from sprints, review and publication."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection, send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import escape, linebreaks
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.fields import RichTextField
from wagtail.models import Revision
from wagtail.rich_text import RichText

from sprints.models import Retrospective, Sprint
from themes.models import Municipality, RelocationPhase, SprintMethod, ValueChainStep, Visibility, WorkPackage
from themes.permissions import Action, require, require_edit_knowledge

from .blocks import BodyBlock
from .importer import ParsedPage
from .models import (
    DigestDelivery,
    Evidence,
    ExchangeMeetingPage,
    KnowledgeIndexPage,
    KnowledgePage,
    LessonPage,
    MethodCardPage,
    PageKind,
    ReviewReminder,
)
from .richtext import editor_rich_text
from .selectors import digest_for, knowledge_index, owners_with_reviews_due, reviews_due_for


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
    source_sprint: Sprint | None = None,
) -> LessonPage:
    """Create an unpublished lesson owned by `user`, with a first revision (so Wagtail shows and compares it)."""
    require_edit_knowledge(user, municipality=municipality)
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
    lesson.source_sprint = source_sprint
    lesson.relocation_phases.set(list(relocation_phases))
    lesson.tags.set(list(tags))
    index.add_child(instance=lesson)
    lesson.save_revision(user=user, log_action=True)
    return lesson


@transaction.atomic
def lesson_submit_for_review(*, user: Any, lesson: LessonPage, visibility: str | None = None) -> None:
    """Start the coordinating team's review workflow on the lesson's latest revision (no-op if already under review).

    `visibility` is who the author proposes should see the lesson; the reviewers can still change it.
    """
    require_edit_knowledge(user, municipality=lesson.municipality)
    if lesson.workflow_in_progress:
        return
    workflow = lesson.get_workflow()
    if workflow is None:
        raise ValidationError(_("No review workflow is configured for the knowledge base."))
    if visibility is not None and visibility not in Visibility.values:
        raise ValidationError(_("Unknown visibility %(value)s.") % {"value": visibility})
    if visibility is not None or lesson.latest_revision is None:
        draft = lesson.get_latest_revision_as_object()
        draft.visibility = visibility or draft.visibility
        draft.save_revision(user=user, log_action=True)
        lesson.refresh_from_db()
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
    PageKind.LESSON: LessonPage,
    PageKind.METHOD: MethodCardPage,
    PageKind.EXCHANGE: ExchangeMeetingPage,
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
        field = page._meta.get_field(name)
        if isinstance(field, RichTextField):
            # The Markdown's HTML is outside input: stored only as the editor could have written it.
            value = editor_rich_text(value or "", features=field.features)
        setattr(page, name, value)
    section_features = BodyBlock.base_blocks["section"].child_blocks["text"].features
    page.body = [
        ("section", {"heading": heading, "text": RichText(editor_rich_text(html, features=section_features))})
        for heading, html in parsed.sections
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


def _absolute(path: str) -> str:
    return cast("str", settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path)


@transaction.atomic
def review_reminders_send(*, today: datetime.date | None = None) -> int:
    """E-mail every owner whose pages are past their review date, once per ISO week; returns e-mails sent."""
    today = today or timezone.localdate()
    year, week, _weekday = today.isocalendar()
    label = f"{year}-W{week:02d}"
    sent = 0
    for owner in owners_with_reviews_due(today=today):
        if ReviewReminder.objects.filter(owner=owner, week=label).exists():
            continue
        pages = list(reviews_due_for(owner=owner, today=today))
        context = {
            "owner": owner,
            "pages": [(page, _absolute(page.url or "")) for page in pages],
            "reviews_url": _absolute(reverse("knowledge:my-reviews")),
        }
        with translation.override(_language_of(owner)):
            body = render_to_string("knowledge/email/review_reminder.txt", context)
            subject = _("Stigar: %(count)s knowledge page(s) to review") % {"count": len(pages)}
        send_mail(subject, body, None, [owner.email])
        ReviewReminder.objects.create(owner=owner, week=label, page_count=len(pages))
        sent += 1
    return sent


# Apps above knowledge narrow the digest's recipients (conversations drops those who chose no e-mail) without
# knowledge importing them: each entry takes and returns the queryset of people.
DIGEST_RECIPIENT_FILTERS: list[Callable[[QuerySet[Any]], QuerySet[Any]]] = []
# The app that keeps people's e-mail choices registers its signed one-click unsubscribe link here, taking the person
# and a language, so that the digest carries it (link and RFC 8058 headers) as every other Stigar e-mail does.
DIGEST_UNSUBSCRIBE_URLS: list[Callable[[Any, str], str]] = []


def digest_recipients() -> QuerySet[Any]:
    people = (
        get_user_model()
        .objects.filter(is_active=True, membership__isnull=False)
        .exclude(email="")
        .select_related("membership", "wagtail_userprofile")
        .order_by("pk")
    )
    for narrow in DIGEST_RECIPIENT_FILTERS:
        people = narrow(people)
    return people


def _language_of(person: Any) -> str:
    """The person's profile language, Swedish when they chose none."""
    profile = getattr(person, "wagtail_userprofile", None)
    language = getattr(profile, "preferred_language", "") or ""
    return "en" if language.startswith("en") else "sv"


def digest_send(*, year: int, month: int) -> int:
    """Send the month's digest to everyone in the programme who takes e-mail, each in their own language and seeing
    their own visibility; at most once per person and month. Returns e-mails sent."""
    first = datetime.date(year, month, 1)
    sent = 0
    # One SMTP connection for the whole run; each person's delivery row commits only with their message sent.
    with get_connection() as connection:
        for recipient in digest_recipients():
            with transaction.atomic():
                _delivery, created = DigestDelivery.objects.get_or_create(recipient=recipient, month=first)
                if not created:
                    continue
                _digest_message(recipient, first=first, connection=connection).send()
                sent += 1
    return sent


def _digest_message(recipient: Any, *, first: datetime.date, connection: Any) -> EmailMultiAlternatives:
    language = _language_of(recipient)
    context = digest_for(user=recipient, year=first.year, month=first.month)
    context["absolute"] = _absolute("")
    headers = {}
    if DIGEST_UNSUBSCRIBE_URLS:
        unsubscribe = DIGEST_UNSUBSCRIBE_URLS[0](recipient, language)
        context["unsubscribe_url"] = unsubscribe
        headers = {
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    with translation.override(language):
        text = render_to_string("knowledge/email/digest.txt", context)
        html = render_to_string("knowledge/email/digest.html", context)
        subject = _("Stigar digest %(month)s") % {"month": formats.date_format(first, "F Y")}
    message = EmailMultiAlternatives(
        subject, text, None, [recipient.email], headers=headers, connection=connection
    )
    message.attach_alternative(html, "text/html")
    return message


def _paragraphs(text: str) -> str:
    return str(linebreaks(escape(text.strip()))) if text.strip() else ""


def _results_html(sprint: Sprint) -> tuple[str, bool]:
    """The sprint's results as a list, and whether any was measured against a baseline."""
    items, measured = [], False
    for result in sprint.results.order_by("date", "pk"):
        unit = f" {result.unit}" if result.unit else ""

        def number(value: Any) -> str:
            return str(formats.number_format(value.normalize(), use_l10n=True))

        parts = [f"{number(result.actual)}{unit}"]
        if result.baseline is not None:
            measured = True
            parts.append(_("baseline %(value)s") % {"value": f"{number(result.baseline)}{unit}"})
        if result.target is not None:
            parts.append(_("target %(value)s") % {"value": f"{number(result.target)}{unit}"})
        note = f" – {result.evidence_note}" if result.evidence_note else ""
        items.append(f"<li>{escape(result.metric)}: {escape(', '.join(parts))}{escape(note)}</li>")
    return (f"<ul>{''.join(items)}</ul>" if items else ""), measured


@transaction.atomic
def lesson_promote_from_sprint(*, user: Any, sprint: Sprint) -> LessonPage:
    """Create a lesson draft pre-filled from the sprint's goal, results and retrospective, linked to the sprint.

    The sprint lists its lessons through `Sprint.lessons`; the lesson shows its sprint as its evidence trail.
    Promoting again while an unpublished draft from this sprint exists returns that draft instead of a second one.
    """
    require_edit_knowledge(user, municipality=sprint.municipality)
    existing = LessonPage.objects.filter(
        source_sprint=sprint, live=False, first_published_at__isnull=True
    ).first()
    if existing is not None:
        return cast("LessonPage", existing)
    retrospective = Retrospective.objects.filter(sprint=sprint).first()
    with translation.override("sv"):
        results, measured = _results_html(sprint)
        what_we_did = _paragraphs(
            _("%(method)s from %(start)s to %(end)s.")
            % {"method": sprint.method.label_sv, "start": sprint.start, "end": sprint.end}
        )
        if sprint.hypothesis:
            what_we_did += _paragraphs(_("Hypothesis: %(text)s") % {"text": sprint.hypothesis})
    surprises = _paragraphs(retrospective.surprises) if retrospective else ""
    advice = ""
    if retrospective:
        advice = "".join(
            _paragraphs(text) for text in (retrospective.what_did_not_work, retrospective.next_step)
        )
    if measured:
        evidence = Evidence.MEASURED
    elif results or retrospective:
        evidence = Evidence.OBSERVED
    else:
        evidence = Evidence.ANECDOTE
    return lesson_create_draft(
        user=user,
        title=sprint.title,
        municipality=sprint.municipality,
        # The summary starts as what worked: the author rewrites it into the lesson itself.
        summary=_paragraphs(retrospective.what_worked if retrospective else sprint.goal),
        context=_paragraphs(sprint.goal),
        what_we_did=what_we_did,
        result=results + surprises,
        advice=advice,
        evidence=evidence,
        work_package=sprint.work_package,
        value_chain_step=sprint.value_chain_step,
        relocation_phases=list(sprint.relocation_phases.all()),
        method=sprint.method,
        date=sprint.end,
        source_sprint=sprint,
    )


@transaction.atomic
def exchange_meeting_propose(
    *,
    user: Any,
    title: str,
    summary: str = "",
    agenda: str = "",
    municipalities: Sequence[Municipality] = (),
    lessons: Sequence[LessonPage] = (),
    tags: Sequence[str] = (),
) -> ExchangeMeetingPage:
    """Draft a region-wide exchange meeting (unpublished, owned by `user`), for the coordinating team to complete in
    the editor; `agenda` is rich-text HTML."""
    require_edit_knowledge(user, municipality=None)
    index = _index()
    meeting = ExchangeMeetingPage(
        title=title,
        slug=unique_slug(parent=index, base=title),
        live=False,
        owner=user,
        summary=summary,
        agenda=agenda,
        visibility=Visibility.INTERNAL,
    )
    meeting.participating_municipalities.set(list(municipalities))
    meeting.linked_lessons.set(list(lessons))
    meeting.tags.set(list(tags))
    index.add_child(instance=meeting)
    meeting.save_revision(user=user, log_action=True)
    return meeting
