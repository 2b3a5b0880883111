"""Thin views of the knowledge app; reads come from selectors, writes from services."""

from __future__ import annotations

import datetime
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from wagtail.views import serve

from sprints.selectors import visible_sprints
from themes.models import Visibility
from themes.permissions import can_draft_knowledge_somewhere, can_publish_knowledge

from . import calendar, selectors, services
from .models import ExchangeMeetingPage, KnowledgePage, LessonPage
from .pdf import render_page_pdf


def index(request: HttpRequest) -> HttpResponse:
    """`knowledge:index`: the knowledge index page, served by Wagtail at its own address."""
    page = selectors.knowledge_index()
    if page is None:
        raise Http404
    return cast("HttpResponse", serve(request, f"{page.slug}/"))


@login_required
def my_reviews(request: HttpRequest) -> HttpResponse:
    pages = list(selectors.owned_knowledge(owner=request.user))
    return render(
        request,
        "knowledge/my_reviews.html",
        {"pages": pages, "overdue": [p for p in pages if p.review_overdue], "today": timezone.localdate()},
    )


def digest(request: HttpRequest, year: int | None = None, month: int | None = None) -> HttpResponse:
    today = timezone.localdate()
    year, month = year or today.year, month or today.month
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise Http404
    context = selectors.digest_for(user=request.user, year=year, month=month)
    previous = context["month_start"] - datetime.timedelta(days=1)
    context["previous_url"] = reverse("knowledge:digest-month", args=(previous.year, previous.month))
    return render(request, "knowledge/digest.html", context)


@login_required
def agenda(request: HttpRequest) -> HttpResponse:
    if not can_draft_knowledge_somewhere(request.user):
        raise PermissionDenied
    return render(request, "knowledge/agenda.html", selectors.agenda_proposal(user=request.user))


@require_POST
@login_required
def promote_sprint(request: HttpRequest, sprint_id: int) -> HttpResponse:
    sprint = get_object_or_404(visible_sprints(request.user), pk=sprint_id)
    lesson = services.lesson_promote_from_sprint(user=request.user, sprint=sprint)
    messages.success(
        request, _("A lesson draft was created from the sprint. Complete it and submit it for review.")
    )
    return redirect("knowledge:draft", lesson.pk)


@login_required
def lesson_draft(request: HttpRequest, page_id: int) -> HttpResponse:
    """A lesson's working state for its owner and the coordinating team: preview, submit for review, publish."""
    lesson = get_object_or_404(LessonPage.objects.select_related("municipality", "owner"), pk=page_id)
    if not selectors.can_work_on(user=request.user, page=lesson):
        raise Http404
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "submit":
            services.lesson_submit_for_review(
                user=request.user, lesson=lesson, visibility=request.POST.get("visibility") or None
            )
            messages.success(request, _("The lesson was sent to the coordinating team for review."))
        elif action == "publish":
            services.lesson_publish(user=request.user, lesson=lesson)
            messages.success(request, _("The lesson was published."))
        return redirect("knowledge:draft", lesson.pk)
    in_review = lesson.workflow_in_progress
    if lesson.live and not lesson.has_unpublished_changes:
        status = _("Published")
    elif in_review:
        status = _("In review by the coordinating team")
    else:
        status = _("Draft")
    can_publish = can_publish_knowledge(request.user) and (in_review or lesson.has_unpublished_changes)
    return render(
        request,
        "knowledge/lesson_draft.html",
        {
            "lesson": lesson,
            "draft": lesson.get_latest_revision_as_object(),
            "status": status,
            "in_review": in_review,
            "can_submit": not in_review and lesson.has_unpublished_changes,
            "can_publish": can_publish,
            "visibilities": Visibility.choices,
        },
    )


def page_pdf(request: HttpRequest, page_id: int) -> HttpResponse:
    try:
        page = selectors.page_for_pdf(page_id=page_id, user=request.user)
    except KnowledgePage.DoesNotExist as exc:
        raise Http404 from exc
    participants = (
        [m.name for m in page.participating_municipalities.all()]
        if hasattr(page, "participating_municipalities")
        else []
    )
    pdf = render_page_pdf(page=page, request=request, context={"participants": participants})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{page.slug}.pdf"'
    return response


# A year back is enough for a subscribed calendar to keep recent meetings; older ones stay on their pages.
CALENDAR_DAYS_BACK = 366


@require_GET
def meetings_ics(request: HttpRequest) -> HttpResponse:
    """/kunskap/moten.ics: the exchange meetings the caller may see, as an iCalendar feed to subscribe to."""
    since = timezone.localdate() - datetime.timedelta(days=CALENDAR_DAYS_BACK)
    body = calendar.meetings_calendar(
        selectors.calendar_meetings(user=request.user, since=since),
        request=request,
        name=_("Stigar: exchange meetings"),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="moten.ics"'
    # What the feed holds depends on who asks: never share a signed-in person's copy through a cache.
    patch_vary_headers(response, ["Cookie"])
    patch_cache_control(response, private=True, max_age=300)
    return response


@require_GET
def meeting_ics(request: HttpRequest, page_id: int) -> HttpResponse:
    """One meeting's .ics ("add to calendar" on the meeting page)."""
    try:
        meeting = selectors.meeting_for_calendar(page_id=page_id, user=request.user)
    except ExchangeMeetingPage.DoesNotExist as exc:
        raise Http404 from exc
    body = calendar.meetings_calendar([meeting], request=request, name=meeting.title)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{meeting.slug}.ics"'
    patch_vary_headers(response, ["Cookie"])
    patch_cache_control(response, private=True, max_age=300)
    return response
