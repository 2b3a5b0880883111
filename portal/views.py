"""The portal's own pages: the home page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", selectors.home_page(user=request.user))
