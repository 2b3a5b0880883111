"""Pages of conversations: posting, editing and removing comments, watching, the notifications list, the start page,
e-mail choices, one-click unsubscribe and the personal meeting calendar. Reads through selectors, writes through
services; a hidden object answers 404 whatever the reason."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from knowledge.calendar import meetings_calendar
from knowledge.selectors import calendar_meetings
from themes.models import Municipality, WorkPackage
from themes.permissions import can_take_part_in_conversations

from . import selectors, services
from .forms import CommentForm, EmailPreferenceForm, WatchTermForm
from .models import Comment, Notification


def _member(request: HttpRequest) -> None:
    if not can_take_part_in_conversations(request.user):
        raise PermissionDenied(_("You need to log in to do this."))


def _object(request: HttpRequest, kind: str, pk: int) -> Any:
    try:
        return selectors.commentable_for(user=request.user, kind=kind, pk=pk)
    except ObjectDoesNotExist:
        raise Http404 from None


def _url_of(obj: Any, anchor: str = "") -> str:
    return selectors.localized(selectors.unprefixed_url(obj)) + (f"#{anchor}" if anchor else "")


def _refuse_on_body(form: CommentForm, error: ValidationError) -> None:
    """The service's refusal is shown under the comment's text, where the reader wrote."""
    for message in error.messages:
        form.add_error("body", str(message))


@require_POST
@login_required
def comment_create(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    _member(request)
    target = _object(request, kind, pk)
    form = CommentForm(request.POST)
    parent = None
    if form.is_valid() and form.cleaned_data["parent"]:
        parent = Comment.objects.filter(
            pk=form.cleaned_data["parent"], target_type=selectors.content_type(kind), target_id=target.pk
        ).first()
        if parent is None:
            form.add_error(None, _("The comment you answered no longer exists."))
    if form.is_valid():
        try:
            comment = services.comment_post(
                actor=request.user, target=target, body=form.cleaned_data["body"], parent=parent
            )
        except ValidationError as error:
            _refuse_on_body(form, error)
        else:
            messages.success(request, _("Your comment is posted."))
            return HttpResponseRedirect(_url_of(target, f"comment-{comment.pk}"))
    context = {"form": form, "target": target, "target_url": _url_of(target, "comments"), "parent": parent}
    return render(request, "conversations/comment_form.html", context, status=400)


def _comment(request: HttpRequest, pk: int) -> tuple[Comment, Any]:
    try:
        return selectors.comment_for(user=request.user, pk=pk)
    except ObjectDoesNotExist:
        raise Http404 from None


@require_http_methods(["GET", "POST"])
@login_required
def comment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _member(request)
    comment, target = _comment(request, pk)
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_edit(actor=request.user, comment=comment, body=form.cleaned_data["body"])
        except ValidationError as error:
            _refuse_on_body(form, error)
        else:
            messages.success(request, _("Your comment is changed."))
            return HttpResponseRedirect(_url_of(target, f"comment-{comment.pk}"))
    elif request.method == "GET":
        # Ask before showing the form, so that someone who may not edit learns it at once.
        services.require_comment_editable(actor=request.user, comment=comment)
    context = {
        "form": form,
        "target": target,
        "target_url": _url_of(target, f"comment-{comment.pk}"),
        "comment": comment,
    }
    return render(
        request, "conversations/comment_form.html", context, status=400 if request.method == "POST" else 200
    )


@require_POST
@login_required
def comment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    _member(request)
    comment, target = _comment(request, pk)
    services.comment_remove(actor=request.user, comment=comment)
    messages.success(request, _("The comment is removed."))
    return HttpResponseRedirect(_url_of(target, f"comment-{comment.pk}"))


_TERMS: dict[str, type[Any]] = {selectors.MUNICIPALITY: Municipality, selectors.WORK_PACKAGE: WorkPackage}


@require_POST
@login_required
def watch(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Start or stop watching (`action`=start|stop); back to where the button was."""
    _member(request)
    if kind in _TERMS:
        try:
            target = _TERMS[kind].objects.get(pk=pk)
        except ObjectDoesNotExist:
            raise Http404 from None
        back = reverse("conversations:my-page") + "#watching"
    else:
        target = _object(request, kind, pk)
        back = _url_of(target, "comments")
    if request.POST.get("action") == "stop":
        services.watch_stop(actor=request.user, target=target)
        messages.success(
            request, _("You no longer watch “%(name)s”.") % {"name": getattr(target, "title", target)}
        )
    else:
        services.watch_start(actor=request.user, target=target)
        messages.success(request, _("You now watch “%(name)s”.") % {"name": getattr(target, "title", target)})
    return HttpResponseRedirect(_safe_next(request, back))


def _safe_next(request: HttpRequest, default: str) -> str:
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        return wanted
    return default


@require_POST
@login_required
def watch_term(request: HttpRequest) -> HttpResponse:
    """The start page's "watch a municipality or work package" form."""
    _member(request)
    form = WatchTermForm(request.POST)
    if not form.is_valid():
        for message in form.non_field_errors():
            messages.error(request, str(message))
        return HttpResponseRedirect(reverse("conversations:my-page") + "#watching")
    for term in (form.cleaned_data.get("municipality"), form.cleaned_data.get("work_package")):
        if term is not None:
            services.watch_start(actor=request.user, target=term)
            messages.success(request, _("You now watch “%(name)s”.") % {"name": term})
    return HttpResponseRedirect(reverse("conversations:my-page") + "#watching")


@require_GET
@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    _member(request)
    rows = selectors.notifications_for(person=request.user, limit=100)
    return render(request, "conversations/notifications.html", {"notifications": rows})


@require_POST
@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one read and go to what it is about."""
    notification = Notification.objects.filter(pk=pk, recipient_id=request.user.pk).first()
    if notification is None:
        raise Http404
    services.notification_mark_read(actor=request.user, notification=notification)
    return HttpResponseRedirect(selectors.localized(notification.url))


@require_POST
@login_required
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(actor=request.user)
    messages.success(request, _("All notifications are marked as read."))
    return HttpResponseRedirect(_safe_next(request, reverse("conversations:notifications")))


@require_GET
@login_required
def my_page(request: HttpRequest) -> HttpResponse:
    """/min-sida/: the signed-in person's start page."""
    person = request.user
    data = selectors.start_page(person=person)
    feed = selectors.calendar_feed_of(person=person)
    context = {
        "start": data,
        "watching": selectors.watched_items(person=person),
        "watch_form": WatchTermForm(),
        "email_form": EmailPreferenceForm(initial={"frequency": selectors.email_frequency(person)}),
        "calendar_url": request.build_absolute_uri(reverse("conversations-calendar", args=(feed.token,)))
        if feed
        else "",
        "member": can_take_part_in_conversations(person),
    }
    return render(request, "conversations/my_page.html", context)


@require_POST
@login_required
def email_preference(request: HttpRequest) -> HttpResponse:
    form = EmailPreferenceForm(request.POST)
    if form.is_valid():
        services.email_preference_set(actor=request.user, frequency=form.cleaned_data["frequency"])
        messages.success(request, _("Your e-mail choice is saved."))
    else:
        messages.error(request, _("Choose at once, a daily summary or no e-mail."))
    return HttpResponseRedirect(reverse("conversations:my-page") + "#email")


@csrf_exempt  # RFC 8058: the mail provider POSTs without a form; the signed token is the authority
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mails' unsubscribe link. GET asks (link checkers open links); POST, from the page or from the mail
    client's one-click button, turns notification e-mail and the monthly digest off. No login needed."""
    try:
        person = services.person_for_unsubscribe(token)
    except (signing.BadSignature, ObjectDoesNotExist):
        return render(request, "conversations/unsubscribe.html", {"invalid": True}, status=400)
    done = False
    if request.method == "POST":
        services.email_unsubscribe(token=token)
        done = True
    return render(request, "conversations/unsubscribe.html", {"person": person, "done": done, "token": token})


@require_POST
@login_required
def calendar_renew(request: HttpRequest) -> HttpResponse:
    services.calendar_feed_renew(actor=request.user)
    messages.success(request, _("Your calendar has a new secret address; the old one no longer works."))
    return HttpResponseRedirect(reverse("conversations:my-page") + "#calendar")


# A year back is enough for a subscribed calendar; older meetings stay on their pages.
CALENDAR_DAYS_BACK = 365


@require_GET
def calendar(request: HttpRequest, token: str) -> HttpResponse:
    """The personal meeting calendar: the meetings its owner may see, for calendar apps that cannot sign in."""
    try:
        person = selectors.person_for_calendar(token=token)
    except ObjectDoesNotExist:
        raise Http404 from None
    since = timezone.localdate() - datetime.timedelta(days=CALENDAR_DAYS_BACK)
    body = meetings_calendar(
        calendar_meetings(user=person, since=since),
        request=request,
        name=_("Stigar: exchange meetings for %(name)s")
        % {"name": person.get_full_name() or person.username},
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="stigar-moten.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
