"""Template tags other apps' pages use to show knowledge: the lessons from a sprint and the promote action."""

from __future__ import annotations

from typing import Any

from django import template

from themes.permissions import Action, can

from ..selectors import lessons_from_sprint

register = template.Library()


@register.inclusion_tag("knowledge/includes/sprint_lessons.html", takes_context=True)
def sprint_lessons(context: dict[str, Any], sprint: Any) -> dict[str, Any]:
    """On a sprint page: lessons that came from it, and "promote to a lesson" for those who may draft."""
    request = context["request"]
    return {
        "request": request,
        "sprint": sprint,
        "lessons": lessons_from_sprint(sprint=sprint, user=request.user),
        "can_promote": can(request.user, Action.DRAFT_KNOWLEDGE, municipality=sprint.municipality),
        "csrf_token": context.get("csrf_token"),
    }
