"""Pages of the plans app: the plans, one plan per municipality and period with its forms and review, the printable
plan and its exports, and the coordinating team's matrix of the 14.

Reads go through selectors, writes through services; a refused write raises the permission service's
PermissionDenied, which Django answers with 403 and the message.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from knowledge.models import LessonPage
from knowledge.pdf import html_to_pdf
from knowledge.services import exchange_meeting_propose
from sprints.models import Sprint
from themes.forms import apply_service_errors
from themes.models import Municipality
from themes.permissions import (
    can_edit_action_plan,
    can_review_action_plans,
    can_view_plans_matrix,
    require_edit_action_plan,
    visible_levels,
)
from themes.views import municipality_or_404, write_and_report

from . import exports, forms, selectors, services
from .models import ActionPlan, Activity


def _plan(request: HttpRequest, municipality: str, period: str) -> ActionPlan:
    """A plan the user may see (writes are checked again by the services)."""
    return get_object_or_404(
        selectors.visible_plans(visible_levels(request.user)).select_related("municipality"),
        municipality__slug=municipality,
        period=period,
    )


@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    levels = visible_levels(request.user)
    plans = selectors.plan_list(levels=levels)
    with_plan = {plan.municipality_id for plan in plans}
    editable = [
        m
        for m in Municipality.objects.order_by("name")
        if m.pk not in with_plan and can_edit_action_plan(request.user, municipality=m)
    ]
    return render(
        request,
        "plans/plan_list.html",
        {"plans": plans, "without_plan": editable, "can_see_matrix": can_view_plans_matrix(request.user)},
    )


@require_GET
def municipality_plans(request: HttpRequest, municipality: str) -> HttpResponse:
    place = municipality_or_404(municipality)
    plan = selectors.latest_plan(municipality=place, levels=visible_levels(request.user))
    if plan is not None:
        return HttpResponseRedirect(plan.get_absolute_url())
    return render(
        request,
        "plans/no_plan.html",
        {"municipality": place, "can_edit": can_edit_action_plan(request.user, municipality=place)},
    )


def plan_create(request: HttpRequest, municipality: str) -> HttpResponse:
    place = municipality_or_404(municipality)
    if not can_edit_action_plan(request.user, municipality=place):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        require_edit_action_plan(request.user, municipality=place)
    form = forms.PlanCreateForm(request.POST or None, initial={"period": str(timezone.localdate().year)})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.action_plan_create(actor=request.user, municipality=place, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The action plan was created."))
            return HttpResponseRedirect(plan.get_absolute_url())
    return render(
        request,
        "plans/plan_form.html",
        {"municipality": place, "form": form, "here": _("New action plan")},
        status=400 if form.errors else 200,
    )


def _page_context(request: HttpRequest, page: selectors.PlanPage) -> dict[str, Any]:
    plan = page.content.plan
    can_edit = can_edit_action_plan(request.user, municipality=plan.municipality)
    can_review = can_review_action_plans(request.user)
    sprints = (
        selectors.linkable_sprints(municipality=plan.municipality, levels=visible_levels(request.user))
        if can_edit
        else []
    )
    return {
        "municipality": plan.municipality,
        "plan": plan,
        "page": page,
        "content": page.content,
        "capacity": page.capacity,
        "can_edit": can_edit,
        "can_review": can_review and plan.status == ActionPlan.Status.SUBMITTED,
        "linkable_sprints": sprints,
        "activity_statuses": Activity.Status.choices,
        "review_form": forms.ReviewForm(),
    }


@require_GET
def plan(request: HttpRequest, municipality: str, period: str) -> HttpResponse:
    place = municipality_or_404(municipality)
    page = selectors.plan_page(municipality=place, period=period, levels=visible_levels(request.user))
    if page is None:
        raise Http404(_("No such action plan."))
    return render(request, "plans/plan.html", _page_context(request, page))


@require_GET
def plan_version(request: HttpRequest, municipality: str, period: str, number: str) -> HttpResponse:
    plan = _plan(request, municipality, period)
    version = selectors.plan_version(plan=plan, number=int(number))
    if version is None:
        raise Http404(_("No such version."))
    return render(
        request,
        "plans/plan_version.html",
        {"municipality": plan.municipality, "plan": plan, "version": version},
    )


def _part_form(
    request: HttpRequest,
    municipality: str,
    period: str,
    *,
    form_class: type[BaseForm],
    save: Any,
    title: str,
    done: str,
    form_kwargs: dict[str, Any] | None = None,
) -> HttpResponse:
    """A form page that adds a need, a goal or an activity to the plan, then returns to the plan."""
    plan = _plan(request, municipality, period)
    require_edit_action_plan(request.user, municipality=plan.municipality)
    form = form_class(request.POST or None, **(form_kwargs or {}))
    if request.method == "POST" and form.is_valid():
        try:
            save(plan, form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, done)
            return HttpResponseRedirect(plan.get_absolute_url())
    return render(
        request,
        "plans/plan_form.html",
        {"municipality": plan.municipality, "plan": plan, "form": form, "here": title},
        status=400 if form.errors else 200,
    )


def need_add(request: HttpRequest, municipality: str, period: str) -> HttpResponse:
    return _part_form(
        request,
        municipality,
        period,
        form_class=forms.NeedForm,
        save=lambda plan, data: services.need_add(actor=request.user, plan=plan, **data),
        title=_("Add a need"),
        done=_("The need was added."),
    )


def goal_add(request: HttpRequest, municipality: str, period: str) -> HttpResponse:
    return _part_form(
        request,
        municipality,
        period,
        form_class=forms.GoalForm,
        save=lambda plan, data: services.goal_add(actor=request.user, plan=plan, **data),
        title=_("Add a goal"),
        done=_("The goal was added."),
    )


def activity_add(request: HttpRequest, municipality: str, period: str) -> HttpResponse:
    plan = _plan(request, municipality, period)
    return _part_form(
        request,
        municipality,
        period,
        form_class=forms.ActivityForm,
        form_kwargs={"plan": plan},
        save=lambda plan, data: services.activity_add(actor=request.user, plan=plan, **data),
        title=_("Add an activity"),
        done=_("The activity was added."),
    )


def plan_settings(request: HttpRequest, municipality: str, period: str) -> HttpResponse:
    plan = _plan(request, municipality, period)
    return _part_form(
        request,
        municipality,
        period,
        form_class=forms.PlanSettingsForm,
        form_kwargs={"initial": {"visibility": plan.visibility, "summary": plan.summary}},
        save=lambda plan, data: services.action_plan_update(actor=request.user, plan=plan, **data),
        title=_("Summary and visibility"),
        done=_("The plan was saved."),
    )


def _back(plan: ActionPlan, anchor: str = "") -> HttpResponseRedirect:
    return HttpResponseRedirect(plan.get_absolute_url() + (f"#{anchor}" if anchor else ""))


def _activity(plan: ActionPlan, pk: str) -> Activity:
    return get_object_or_404(Activity.objects.select_related("plan__municipality"), plan=plan, pk=int(pk))


@require_POST
def activity_status(request: HttpRequest, municipality: str, period: str, pk: str) -> HttpResponse:
    plan = _plan(request, municipality, period)
    activity = _activity(plan, pk)
    form = forms.ActivityStatusForm(request.POST)

    def set_status() -> None:
        if not form.is_valid():
            raise ValidationError(_("Choose a status."))
        services.activity_set_status(actor=request.user, activity=activity, **form.cleaned_data)

    write_and_report(request, set_status, done=_("The activity's status was saved."))
    return _back(plan, f"activity-{activity.pk}")


@require_POST
def activity_link(request: HttpRequest, municipality: str, period: str, pk: str) -> HttpResponse:
    plan = _plan(request, municipality, period)
    activity = _activity(plan, pk)
    sprints = selectors.linkable_sprints(municipality=plan.municipality, levels=visible_levels(request.user))
    form = forms.LinkSprintForm(request.POST, sprints=sprints)

    def link() -> None:
        if not form.is_valid():
            raise ValidationError(_("Choose one of the municipality's sprints."))
        sprint = Sprint.objects.get(pk=form.cleaned_data["sprint"])
        services.activity_link_sprint(actor=request.user, activity=activity, sprint=sprint)

    write_and_report(request, link, done=_("The sprint was linked to the activity."))
    return _back(plan, f"activity-{activity.pk}")


@require_POST
def plan_submit(request: HttpRequest, municipality: str, period: str) -> HttpResponse:
    plan = _plan(request, municipality, period)
    write_and_report(
        request,
        lambda: services.action_plan_submit(actor=request.user, plan=plan),
        done=_("The plan was sent to the coordinating team for review."),
    )
    return _back(plan)


@require_POST
def plan_review(request: HttpRequest, municipality: str, period: str) -> HttpResponse:
    """The coordinating team's decision: approve (freezing the version) or send back with a comment."""
    plan = _plan(request, municipality, period)
    form = forms.ReviewForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    try:
        if request.POST.get("decision") == "approve":
            version = services.action_plan_approve(actor=request.user, plan=plan, comment=comment)
            messages.success(
                request, _("Version %(number)s of the plan was approved.") % {"number": version.number}
            )
        elif request.POST.get("decision") == "return":
            services.action_plan_return(actor=request.user, plan=plan, comment=comment)
            messages.success(request, _("The plan was sent back to the municipality."))
        else:
            raise ValidationError(_("Choose to approve the plan or to send it back."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back(plan, "review")


def _page_or_404(request: HttpRequest, municipality: str, period: str) -> selectors.PlanPage:
    page = selectors.plan_page(
        municipality=municipality_or_404(municipality), period=period, levels=visible_levels(request.user)
    )
    if page is None:
        raise Http404(_("No such action plan."))
    return page


@require_GET
def plan_pdf(request: HttpRequest, municipality: str, period: str) -> HttpResponse:
    page = _page_or_404(request, municipality, period)
    html = render_to_string(
        "plans/pdf.html",
        {
            "page": page,
            "plan": page.content.plan,
            "content": page.content,
            "capacity": page.capacity,
            "generated": timezone.localtime(),
        },
        request=request,
    )
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(page.content.plan, "pdf")}"'
    return response


@require_GET
def plan_export(request: HttpRequest, municipality: str, period: str, fmt: str) -> HttpResponse:
    page = _page_or_404(request, municipality, period)
    return exports.csv_response(page) if fmt == "csv" else exports.xlsx_response(page)


def _matrix_access(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_view_plans_matrix(request.user):
        raise PermissionDenied(_("The matrix of the 14 is the coordinating team's."))
    return None


@require_GET
def matrix(request: HttpRequest) -> HttpResponse:
    refused = _matrix_access(request)
    if refused:
        return refused
    period = request.GET.get("period", "").strip()
    if not forms.PlanCreateForm.base_fields["period"].regex.match(period):  # type: ignore[attr-defined]
        period = str(timezone.localdate().year)
    data = selectors.matrix(period=period, levels=visible_levels(request.user))
    return render(request, "plans/matrix.html", {"matrix": data, "period": period})


@require_POST
def propose_exchange(request: HttpRequest) -> HttpResponse:
    """Draft an exchange meeting on a recurring need (the municipalities, their needs, answers and lessons), then
    open it in the editor."""
    refused = _matrix_access(request)
    if refused:
        return refused
    tag = request.POST.get("tag", "").strip()
    group = selectors.exchange_proposal(tag=tag, levels=visible_levels(request.user))
    if group is None:
        raise Http404(_("No recurring need with that tag."))
    lesson_ids = {lesson.id for answer in group.answers for lesson in answer.lessons}
    meeting = exchange_meeting_propose(
        user=request.user,
        title=_("Exchange meeting: %(tag)s") % {"tag": tag},
        summary=format_html(
            "<p>{}</p>",
            _("A need that %(count)s municipalities share in their action plans: %(tag)s.")
            % {"count": len(group.municipalities), "tag": tag},
        ),
        lessons=list(LessonPage.objects.filter(pk__in=lesson_ids)),
        agenda=render_to_string("plans/exchange_agenda.html", {"group": group}, request=request),
        municipalities=group.municipalities,
        tags=[tag],
    )
    messages.success(request, _("A draft exchange meeting was created: complete it and publish it."))
    return HttpResponseRedirect(reverse("wagtailadmin_pages:edit", args=[meeting.pk]))
