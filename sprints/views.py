"""Pages of the sprints app: the overview of all 14, a board per municipality, the sprint page and its forms.

Views are thin: reads go through selectors, writes through services. A refused write raises the permission
service's PermissionDenied, which Django answers with 403 and the message (portal/templates/403.html).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from themes.forms import apply_service_errors
from themes.models import Municipality, SprintMethod, WorkPackage
from themes.permissions import (
    Action,
    can,
    can_correct_sprint,
    can_set_board_limits,
    require,
    require_correct_sprint,
    require_set_board_limits,
)
from themes.views import municipality_or_404, write_and_report

from . import charts, exports, presenters, selectors, services
from .forms import (
    AttachmentForm,
    BoardLimitsForm,
    CardEditForm,
    CardForm,
    CardMoveForm,
    MoveForm,
    ResultCorrectionForm,
    ResultForm,
    RetrospectiveForm,
    SimilarQueryForm,
    SprintForm,
    people_of,
)
from .models import Card, Result, ResultAttachment, Retrospective, Sprint, Status


def _sprint(request: HttpRequest, municipality: str, pk: int) -> Sprint:
    """A sprint the user may see, for a write (the service checks the write itself)."""
    return get_object_or_404(
        selectors.visible_sprints(request.user).select_related("municipality"),
        municipality__slug=municipality,
        pk=pk,
    )


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    matrix = selectors.overview_matrix(user=request.user)
    line = selectors.timeline(user=request.user)
    return render(
        request,
        "sprints/overview.html",
        {
            "matrix": matrix,
            "gaps": selectors.gaps(matrix),
            "timeline": charts.timeline_chart(line),
            "statuses": Status.choices,
        },
    )


@require_GET
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    matrix = selectors.overview_matrix(user=request.user)
    sprints = selectors.export_sprints(user=request.user)
    if fmt == "csv":
        return exports.csv_response(sprints)
    return exports.xlsx_response(matrix, sprints)


@require_GET
def board(request: HttpRequest, municipality: str) -> HttpResponse:
    place = municipality_or_404(municipality)
    return _board_page(request, place)


def _board_page(
    request: HttpRequest, place: Municipality, *, limits_form: BoardLimitsForm | None = None
) -> HttpResponse:
    filters = selectors.BoardFilters.from_query(request.GET)
    today = timezone.localdate()
    columns = selectors.sprints_for_board(municipality=place, filters=filters, user=request.user, today=today)
    loads = selectors.column_loads(municipality=place, user=request.user)
    can_edit = can(request.user, Action.EDIT_SPRINT, municipality=place)
    # Built once here rather than per card: a board can hold hundreds of cards.
    board_url = reverse("sprints:board", kwargs={"municipality": place.slug})
    return render(
        request,
        "sprints/board.html",
        {
            "municipality": place,
            "columns": presenters.board_columns(columns, board_url=board_url, loads=loads, today=today),
            "filters": filters,
            "choices": selectors.form_choices(value_chain=False),
            "people": list(people_of(place)) if request.user.is_authenticated else [],
            "statuses": Status.choices,
            "can_edit": can_edit,
            "archived": selectors.archived_sprints(municipality=place, user=request.user),
            "limits_form": limits_form
            or (
                BoardLimitsForm(limits={status: load.limit for status, load in loads.items() if load.limit})
                if can_set_board_limits(request.user, municipality=place)
                else None
            ),
            "count": sum(len(column.sprints) for column in columns),
            "labels": {
                "phases": _("Phases"),
                "back_to": _("Back to"),
                "on_to": _("On to"),
                "up": _("Move up"),
                "down": _("Move down"),
            },
        },
        status=400 if limits_form is not None and limits_form.errors else 200,
    )


@require_POST
def board_limits(request: HttpRequest, municipality: str) -> HttpResponse:
    place = municipality_or_404(municipality)
    require_set_board_limits(request.user, municipality=place)
    form = BoardLimitsForm(request.POST)
    if form.is_valid():
        try:
            services.board_limits_set(actor=request.user, municipality=place, limits=form.cleaned_data)
            messages.success(request, _("The work-in-progress limits were saved."))
            return HttpResponseRedirect(reverse("sprints:board", kwargs={"municipality": place.slug}))
        except ValidationError as error:
            apply_service_errors(form, error)
    return _board_page(request, place, limits_form=form)


@dataclass(frozen=True)
class SimilarPanel:
    """'Has anyone tried this?': similar sprints, and the criteria the knowledge app's lessons panel looks up
    (`{% related_lessons panel %}`: lessons are the knowledge app's to read, which builds on sprints)."""

    similar: list[Sprint]
    phases: list[int]
    method: SprintMethod | None
    work_package: WorkPackage | None


def _similar_panel(request: HttpRequest, form: SprintForm, municipality: Municipality) -> SimilarPanel:
    """'Has anyone tried this?' for what the form holds now (its bound data, else the sprint being edited)."""
    if form.is_bound:
        data = request.POST
        phases = [int(pk) for pk in data.getlist("relocation_phases") if str(pk).isdigit()]
        method_pk, wp_pk = data.get("method", ""), data.get("work_package", "")
        method = SprintMethod.objects.filter(pk=int(method_pk)).first() if method_pk.isdigit() else None
        work_package = WorkPackage.objects.filter(pk=int(wp_pk)).first() if wp_pk.isdigit() else None
        title = data.get("title", "")
    elif form.instance.pk:
        sprint = form.instance
        return SimilarPanel(
            similar=selectors.similar_sprints(sprint, user=request.user),
            phases=[phase.pk for phase in sprint.relocation_phases.all()],
            method=sprint.method,
            work_package=sprint.work_package,
        )
    else:
        query = SimilarQueryForm(request.GET)
        query.is_valid()
        phases = []
        method = SprintMethod.objects.filter(code=query.cleaned_data.get("method") or "").first()
        work_package = WorkPackage.objects.filter(code=query.cleaned_data.get("work_package") or "").first()
        title = query.cleaned_data.get("title") or ""
        if not (method or work_package or title):
            return SimilarPanel(similar=[], phases=[], method=None, work_package=None)
    similar = selectors.similar_to(
        user=request.user,
        municipality=municipality,
        phases=phases,
        method=method,
        work_package=work_package,
        title=title,
        exclude_pk=form.instance.pk,
    )
    return SimilarPanel(similar=similar, phases=phases, method=method, work_package=work_package)


def _sprint_form_page(request: HttpRequest, place: Municipality, sprint: Sprint | None) -> HttpResponse:
    require(request.user, Action.EDIT_SPRINT, municipality=place)
    form = SprintForm(request.POST or None, instance=sprint, municipality=place)
    # The "show similar sprints" button posts the form without saving it: the panel then works without JS.
    if request.method == "POST" and "similar" not in request.POST and form.is_valid():
        data = form.cleaned_data
        try:
            if sprint is None:
                sprint = services.sprint_create(actor=request.user, municipality=place, **data)
                messages.success(request, _("The sprint was created."))
            else:
                # The form has already copied its values onto `sprint`; the service compares against the stored row.
                stored = Sprint.objects.select_related("municipality").get(pk=sprint.pk)
                changes = {name: data[name] for name in form.changed_data if name in data}
                sprint = services.sprint_update(actor=request.user, sprint=stored, changes=changes)
                messages.success(request, _("The sprint was saved."))
            return HttpResponseRedirect(sprint.get_absolute_url())
        except ValidationError as error:
            apply_service_errors(form, error)
    panel = _similar_panel(request, form, place)
    return render(
        request,
        "sprints/sprint_form.html",
        {
            "municipality": place,
            "form": form,
            "sprint": sprint,
            "similar": panel.similar,
            "similar_panel": panel,
            "similar_asked": "similar" in request.POST,
        },
        status=400 if request.method == "POST" and form.errors else 200,
    )


def sprint_create(request: HttpRequest, municipality: str) -> HttpResponse:
    return _sprint_form_page(request, municipality_or_404(municipality), None)


def sprint_edit(request: HttpRequest, municipality: str, pk: int) -> HttpResponse:
    sprint = _sprint(request, municipality, pk)
    return _sprint_form_page(request, sprint.municipality, sprint)


def _detail_context(
    request: HttpRequest,
    sprint: Sprint,
    *,
    result_form: ResultForm | None = None,
    card_form: CardForm | None = None,
) -> dict[str, Any]:
    results = list(sprint.results.all())
    cards = list(sprint.cards.all())
    return {
        "municipality": sprint.municipality,
        "sprint": sprint,
        "retrospective": selectors.retrospective_of(sprint),
        "results": results,
        "chart": charts.results_chart(results),
        "card_columns": [
            {"column": column, "label": label, "cards": [card for card in cards if card.column == column]}
            for column, label in Card.Column.choices
        ],
        "events": list(sprint.events.all())[:50],
        # An archived sprint is read-only until it is restored; the restore button needs the correction right.
        "can_edit": not sprint.is_archived
        and can(request.user, Action.EDIT_SPRINT, municipality=sprint.municipality),
        "can_correct": can_correct_sprint(request.user, municipality=sprint.municipality),
        "result_form": result_form or ResultForm(),
        "card_form": card_form or CardForm(municipality=sprint.municipality),
        "attachment_form": AttachmentForm(),
        "similar": selectors.similar_sprints(sprint, user=request.user, limit=3),
        "statuses": Status.choices,
        "today": timezone.localdate(),
    }


@require_GET
def sprint_detail(request: HttpRequest, municipality: str, pk: int) -> HttpResponse:
    sprint = selectors.sprint_for_page(
        municipality=municipality_or_404(municipality), pk=pk, user=request.user
    )
    return render(request, "sprints/sprint_detail.html", _detail_context(request, sprint))


def _rerender_detail(request: HttpRequest, sprint: Sprint, **forms: Any) -> HttpResponse:
    full = selectors.sprint_for_page(municipality=sprint.municipality, pk=sprint.pk, user=request.user)
    return render(request, "sprints/sprint_detail.html", _detail_context(request, full, **forms), status=400)


def _board_url(sprint: Sprint) -> str:
    return (
        reverse("sprints:board", kwargs={"municipality": sprint.municipality.slug}) + f"#sprint-{sprint.pk}"
    )


@require_POST
def sprint_move(request: HttpRequest, municipality: str, pk: int) -> HttpResponse:
    sprint = _sprint(request, municipality, pk)
    require(request.user, Action.EDIT_SPRINT, municipality=sprint.municipality)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That move is not possible."))
        return HttpResponseRedirect(_board_url(sprint))
    status = form.cleaned_data["status"] or sprint.status
    position = form.cleaned_data["position"]
    step = form.cleaned_data["step"]
    if step == "up":
        position = max(0, sprint.position - 1)
    elif step == "down":
        position = sprint.position + 1
    services.sprint_move(actor=request.user, sprint=sprint, status=status, position=position)
    messages.success(
        request,
        _("“%(title)s” is now in %(column)s, place %(place)s.")
        % {"title": sprint.title, "column": Status(sprint.status).label, "place": sprint.position + 1},
    )
    target = request.POST.get("next", "")
    if target == "detail":
        return HttpResponseRedirect(sprint.get_absolute_url())
    return HttpResponseRedirect(_board_url(sprint))


@require_POST
def card_create(request: HttpRequest, municipality: str, pk: int) -> HttpResponse:
    sprint = _sprint(request, municipality, pk)
    require(request.user, Action.EDIT_SPRINT, municipality=sprint.municipality)
    form = CardForm(request.POST, municipality=sprint.municipality)
    if form.is_valid():
        try:
            services.card_create(actor=request.user, sprint=sprint, **form.cleaned_data)
            messages.success(request, _("The card was added."))
            return HttpResponseRedirect(sprint.get_absolute_url() + "#cards")
        except ValidationError as error:
            apply_service_errors(form, error)
    return _rerender_detail(request, sprint, card_form=form)


@require_POST
def card_move(request: HttpRequest, municipality: str, pk: int, card: int) -> HttpResponse:
    sprint = _sprint(request, municipality, pk)
    item = get_object_or_404(Card.objects.select_related("sprint__municipality"), sprint=sprint, pk=card)
    form = CardMoveForm(request.POST)
    if form.is_valid():
        column = form.cleaned_data["column"] or item.column
        step = form.cleaned_data["step"]
        position = None
        if step == "up":
            position = max(0, item.position - 1)
        elif step == "down":
            position = item.position + 1
        services.card_move(actor=request.user, card=item, column=column, position=position)
    return HttpResponseRedirect(sprint.get_absolute_url() + f"#card-{item.pk}")


@require_POST
def result_log(request: HttpRequest, municipality: str, pk: int) -> HttpResponse:
    sprint = _sprint(request, municipality, pk)
    require(request.user, Action.EDIT_SPRINT, municipality=sprint.municipality)
    form = ResultForm(request.POST, request.FILES)
    if form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("file", None)
        try:
            # The result and its evidence are saved together or not at all.
            with transaction.atomic():
                result = services.result_log(actor=request.user, sprint=sprint, **data)
                if upload:
                    services.attachment_add(actor=request.user, result=result, file=upload)
            messages.success(request, _("The result was logged."))
            return HttpResponseRedirect(sprint.get_absolute_url() + "#results")
        except ValidationError as error:
            apply_service_errors(form, error)
    return _rerender_detail(request, sprint, result_form=form)


@require_POST
def attachment_add(request: HttpRequest, municipality: str, pk: int, result: int) -> HttpResponse:
    sprint = _sprint(request, municipality, pk)
    item = get_object_or_404(Result.objects.select_related("sprint__municipality"), sprint=sprint, pk=result)
    require(request.user, Action.EDIT_SPRINT, municipality=sprint.municipality)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(actor=request.user, result=item, file=form.cleaned_data["file"])
            messages.success(request, _("The file was attached."))
            return HttpResponseRedirect(sprint.get_absolute_url() + f"#result-{item.pk}")
        except ValidationError as error:
            apply_service_errors(form, error)
    for message in form.errors.get("file", []):
        messages.error(request, _("The file was not attached: %(error)s") % {"error": message})
    return HttpResponseRedirect(sprint.get_absolute_url() + f"#result-{item.pk}")


@require_GET
def attachment_download(request: HttpRequest, municipality: str, pk: int, attachment: int) -> FileResponse:
    """Serve evidence only to those who may see its sprint (media files are not public)."""
    sprint = _sprint(request, municipality, pk)
    # Objects.filter leaves out removed attachments; a removed result's evidence goes with it.
    item = get_object_or_404(
        ResultAttachment, result__sprint=sprint, result__deleted_at__isnull=True, pk=attachment
    )
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("The file is missing") from error
    return FileResponse(handle, as_attachment=True, filename=item.original_name)


def retrospective(request: HttpRequest, municipality: str, pk: int) -> HttpResponse:
    sprint = _sprint(request, municipality, pk)
    require(request.user, Action.EDIT_SPRINT, municipality=sprint.municipality)
    existing = Retrospective.objects.filter(sprint=sprint).first()
    form = RetrospectiveForm(request.POST or None, instance=existing)
    if request.method == "POST" and form.is_valid():
        try:
            services.sprint_close_with_retrospective(actor=request.user, sprint=sprint, **form.cleaned_data)
            messages.success(request, _("The retrospective was saved and the sprint closed."))
            return HttpResponseRedirect(sprint.get_absolute_url() + "#retrospective")
        except ValidationError as error:
            apply_service_errors(form, error)
    return render(
        request,
        "sprints/retrospective_form.html",
        {"municipality": sprint.municipality, "sprint": sprint, "form": form},
        status=400 if form.errors else 200,
    )


# --- Corrections ---------------------------------------------------------------------------------------------------


_Record = TypeVar("_Record", bound=models.Model)


def _correction_page(
    request: HttpRequest,
    sprint: Sprint,
    form: BaseForm,
    *,
    correct: Callable[[dict[str, Any]], object],
    saved: str,
    saved_url: str,
    heading: str,
    anchor: str,
) -> HttpResponse:
    """A correction form of a sprint's record: a valid post hands the changed fields to `correct` (the service, which
    records old → new) and goes to `saved_url`; a refusal or a bad value is shown on the form with status 400."""
    if request.method == "POST" and form.is_valid():
        try:
            correct({name: form.cleaned_data[name] for name in form.changed_data})
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, saved)
            return HttpResponseRedirect(saved_url)
    return render(
        request,
        "sprints/record_form.html",
        {
            "municipality": sprint.municipality,
            "sprint": sprint,
            "form": form,
            "heading": heading,
            "cancel_url": sprint.get_absolute_url() + anchor,
        },
        status=400 if form.errors else 200,
    )


def _removal(request: HttpRequest, remove: Callable[[], object], *, removed: str, then: str) -> HttpResponse:
    """A remove button: `remove` (the service) removes or refuses; either way a message says so, and back to `then`."""
    write_and_report(request, remove, done=removed)
    return HttpResponseRedirect(then)


def _record_to_correct(records: QuerySet[_Record], sprint: Sprint, pk: int) -> tuple[_Record, _Record]:
    """One of the sprint's records twice: the instance the form edits, and an untouched copy for the service.

    The form writes the posted values onto its instance while validating; the service compares against the
    untouched copy of the row to record old → new."""
    item = get_object_or_404(records, sprint=sprint, pk=pk)
    return item, records.get(pk=item.pk)


def result_edit(request: HttpRequest, municipality: str, pk: int, result: int) -> HttpResponse:
    sprint = _sprint(request, municipality, pk)
    require_correct_sprint(request.user, municipality=sprint.municipality)
    item, stored = _record_to_correct(Result.objects.select_related("sprint__municipality"), sprint, result)
    return _correction_page(
        request,
        sprint,
        ResultCorrectionForm(request.POST or None, instance=item),
        correct=lambda changes: services.result_correct(actor=request.user, result=stored, changes=changes),
        saved=_("The result was corrected."),
        saved_url=sprint.get_absolute_url() + f"#result-{item.pk}",
        heading=_("Correct the result “%(metric)s”") % {"metric": stored.metric},
        anchor="#results",
    )


@require_POST
def result_remove(request: HttpRequest, municipality: str, pk: int, result: int) -> HttpResponse:
    sprint = _sprint(request, municipality, pk)
    item = get_object_or_404(Result.objects.select_related("sprint__municipality"), sprint=sprint, pk=result)
    return _removal(
        request,
        lambda: services.result_remove(actor=request.user, result=item),
        removed=_("The result “%(metric)s” was removed.") % {"metric": item.metric},
        then=sprint.get_absolute_url() + "#results",
    )


def card_edit(request: HttpRequest, municipality: str, pk: int, card: int) -> HttpResponse:
    sprint = _sprint(request, municipality, pk)
    require_correct_sprint(request.user, municipality=sprint.municipality)
    item, stored = _record_to_correct(
        Card.objects.select_related("sprint__municipality", "owner"), sprint, card
    )
    return _correction_page(
        request,
        sprint,
        CardEditForm(request.POST or None, instance=item, municipality=sprint.municipality),
        correct=lambda changes: services.card_update(actor=request.user, card=stored, changes=changes),
        saved=_("The card was saved."),
        saved_url=sprint.get_absolute_url() + f"#card-{item.pk}",
        heading=_("Edit the card “%(title)s”") % {"title": stored.title},
        anchor="#cards",
    )


@require_POST
def card_remove(request: HttpRequest, municipality: str, pk: int, card: int) -> HttpResponse:
    sprint = _sprint(request, municipality, pk)
    item = get_object_or_404(Card.objects.select_related("sprint__municipality"), sprint=sprint, pk=card)
    return _removal(
        request,
        lambda: services.card_remove(actor=request.user, card=item),
        removed=_("The card “%(title)s” was removed.") % {"title": item.title},
        then=sprint.get_absolute_url() + "#cards",
    )


@require_POST
def attachment_remove(request: HttpRequest, municipality: str, pk: int, attachment: int) -> HttpResponse:
    sprint = _sprint(request, municipality, pk)
    item = get_object_or_404(
        ResultAttachment.objects.select_related("result__sprint__municipality"),
        result__sprint=sprint,
        result__deleted_at__isnull=True,
        pk=attachment,
    )
    return _removal(
        request,
        lambda: services.attachment_remove(actor=request.user, attachment=item),
        removed=_("The file “%(name)s” was removed.") % {"name": item.original_name},
        then=sprint.get_absolute_url() + f"#result-{item.result_id}",
    )


@require_POST
def sprint_archive(request: HttpRequest, municipality: str, pk: int) -> HttpResponse:
    sprint = _sprint(request, municipality, pk)
    if request.POST.get("restore"):
        services.sprint_restore(actor=request.user, sprint=sprint)
        messages.success(request, _("The sprint is back on the board."))
    else:
        services.sprint_archive(actor=request.user, sprint=sprint)
        messages.success(request, _("The sprint was archived. It has left the board; restore it here."))
    return HttpResponseRedirect(sprint.get_absolute_url())
