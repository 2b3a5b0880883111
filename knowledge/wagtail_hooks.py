"""Wagtail admin hooks: a lead edits only their own municipality's knowledge, whatever the page permissions say."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from wagtail import hooks

from themes.permissions import can_edit_knowledge

from .models import KnowledgePage


def _check_municipality(request: HttpRequest, page: Any) -> None:
    # Wagtail's "change" permission under /kunskap/ covers every page there; the programme's rule is narrower.
    specific = page.specific if hasattr(page, "specific") else page
    if isinstance(specific, KnowledgePage) and not can_edit_knowledge(
        request.user, municipality=specific.municipality
    ):
        raise PermissionDenied


@hooks.register("before_edit_page")
def only_own_municipality_on_edit(request: HttpRequest, page: Any) -> None:
    _check_municipality(request, page)


@hooks.register("before_delete_page")
def only_own_municipality_on_delete(request: HttpRequest, page: Any) -> None:
    _check_municipality(request, page)
