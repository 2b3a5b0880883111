"""View helpers shared by the apps' views."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from .models import Municipality


def municipality_or_404(slug: str) -> Municipality:
    """The municipality of a page's address (`/…/<slug>/`); an unknown slug is a missing page."""
    return get_object_or_404(Municipality, slug=slug)


def write_and_report(request: HttpRequest, write: Callable[[], object], *, done: str) -> bool:
    """A button's write with no form to show again: `write` (the service call) does it or refuses with a
    ValidationError, and either way the next page tells the reader so in a message. True when it was done."""
    try:
        write()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    messages.success(request, done)
    return True
