"""Thin views of the dashboard: check the permission, read the cached panels, render HTML, CSV, XLSX or PDF."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from knowledge.pdf import html_to_pdf
from themes.charts import Chart
from themes.exports import chart_download
from themes.models import Municipality
from themes.permissions import Action, can, require, visible_levels

from . import exports, panels

View = Callable[..., HttpResponse]


def dashboard_access(view: View) -> View:
    """Anonymous visitors are sent to the login page; logged-in users without a programme role get a 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        require(request.user, Action.VIEW_DASHBOARD)
        return view(request, *args, **kwargs)

    return wrapper


def _programme(request: HttpRequest) -> panels.Dashboard:
    return panels.programme(
        levels=visible_levels(request.user),
        today=timezone.localdate(),
        shared_segments=can(request.user, Action.VIEW_SHARED_SEGMENTS),
    )


def _municipality(request: HttpRequest, slug: str) -> tuple[Municipality, panels.Dashboard]:
    levels = visible_levels(request.user)
    place = panels.find_municipality(slug=slug, levels=levels)
    if place is None:
        raise Http404(_("No such municipality."))
    board = panels.municipality(municipality=place, levels=levels)
    return place, board


def _download(chart: Chart, fmt: str, *, prefix: tuple[str, ...] = ()) -> HttpResponse:
    return chart_download(chart, fmt, stem=exports.filename_stem(chart, prefix=prefix))


def _pdf(html: str, name: str) -> HttpResponse:
    response = HttpResponse(html_to_pdf(html), content_type=exports.PDF_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@dashboard_access
def programme(request: HttpRequest) -> HttpResponse:
    board = _programme(request)
    return render(request, "dashboard/programme.html", {"board": board, "charts": board.charts})


@dashboard_access
def programme_data(request: HttpRequest, chart: str, fmt: str) -> HttpResponse:
    board = _programme(request)
    if chart not in board.charts:
        raise Http404(_("No such chart."))
    return _download(board.charts[chart], fmt)


@dashboard_access
def programme_pdf(request: HttpRequest) -> HttpResponse:
    board = _programme(request)
    html = render_to_string(
        "dashboard/pdf.html",
        {"board": board, "title": _("Programme dashboard"), "generated": timezone.localtime()},
        request=request,
    )
    return _pdf(html, f"stigar-dashboard-{timezone.localdate():%Y-%m-%d}.pdf")


@dashboard_access
def municipality(request: HttpRequest, slug: str) -> HttpResponse:
    place, board = _municipality(request, slug)
    plan_panel = panels.plan_panel(
        municipality=place, levels=visible_levels(request.user), today=timezone.localdate()
    )
    return render(
        request,
        "dashboard/municipality.html",
        {
            "municipality": place,
            "board": board,
            "charts": board.charts,
            "figures": board.extra["figures"],
            "plan_panel": plan_panel,
        },
    )


@dashboard_access
def municipality_data(request: HttpRequest, slug: str, chart: str, fmt: str) -> HttpResponse:
    place, board = _municipality(request, slug)
    if chart not in board.charts:
        raise Http404(_("No such chart."))
    return _download(board.charts[chart], fmt, prefix=(place.slug,))


@dashboard_access
def municipality_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    place, board = _municipality(request, slug)
    html = render_to_string(
        "dashboard/pdf.html",
        {
            "board": board,
            "title": place.name,
            "municipality": place,
            "figures": board.extra["figures"],
            "generated": timezone.localtime(),
        },
        request=request,
    )
    return _pdf(html, f"stigar-dashboard-{place.slug}-{timezone.localdate():%Y-%m-%d}.pdf")
