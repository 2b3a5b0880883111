"""The campaign panel's two forms post here; the panel itself is drawn on the sprint page by a template tag."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sprints import selectors as sprints_selectors
from sprints.models import Sprint
from themes.permissions import require_run_campaign

from . import selectors, services
from .forms import OutcomesForm, TargetsForm


def _campaign_sprint(request: HttpRequest, municipality: str, pk: int) -> Sprint:
    sprint = (
        sprints_selectors.visible_sprints(request.user)
        .select_related("municipality", "method")
        .filter(municipality__slug=municipality, pk=pk)
        .first()
    )
    if sprint is None:
        raise Http404("No such sprint")
    # Before the form is read: another municipality's lead learns nothing about this one's segments.
    require_run_campaign(request.user, municipality=sprint.municipality)
    return sprint


def _back(sprint: Sprint) -> HttpResponseRedirect:
    return HttpResponseRedirect(sprint.get_absolute_url() + "#campaign")


def _report(request: HttpRequest, error: ValidationError) -> None:
    for text in error.messages:
        messages.error(request, text)


def _report_form(request: HttpRequest, form: TargetsForm | OutcomesForm) -> None:
    """Each error with the field it is about, since the page shows them above the panel."""
    for name, errors in form.errors.items():
        where = form.fields[name].label if name in form.fields else None
        for text in errors:
            messages.error(request, f"{where}: {text}" if where else str(text))


@login_required
@require_POST
def targets_set(request: HttpRequest, municipality: str, pk: int) -> HttpResponse:
    sprint = _campaign_sprint(request, municipality, pk)
    form = TargetsForm(request.POST, choices=selectors.target_choices(sprint))
    if not form.is_valid():
        _report_form(request, form)
        return _back(sprint)
    try:
        targets = services.campaign_targets_set(
            actor=request.user, sprint=sprint, segment_keys=form.cleaned_data["segments"]
        )
    except ValidationError as error:
        _report(request, error)
        return _back(sprint)
    messages.success(request, _("The campaign now targets %(n)s segments.") % {"n": len(targets)})
    return _back(sprint)


@login_required
@require_POST
def outcomes_log(request: HttpRequest, municipality: str, pk: int) -> HttpResponse:
    sprint = _campaign_sprint(request, municipality, pk)
    choices = [(s.target.segment_key, s.label) for s in selectors.targets_of(sprint)]
    form = OutcomesForm(request.POST, choices=choices)
    if not form.is_valid():
        _report_form(request, form)
        return _back(sprint)
    try:
        services.campaign_outcomes_log(
            actor=request.user,
            sprint=sprint,
            segment_key=form.cleaned_data["segment"],
            outcomes=form.variant_counts(),
        )
    except ValidationError as error:
        _report(request, error)
        return _back(sprint)
    messages.success(request, _("The variant counts have been saved."))
    return _back(sprint)
