"""Template tags other apps' pages use to show knowledge: the lessons from a sprint, the promote action, related lessons."""

from __future__ import annotations

from typing import Any

from django import template

from themes.permissions import can_edit_knowledge

from ..selectors import lessons_from_sprint, lessons_related_to

register = template.Library()


@register.inclusion_tag("knowledge/includes/sprint_lessons.html", takes_context=True)
def sprint_lessons(context: dict[str, Any], sprint: Any) -> dict[str, Any]:
    """On a sprint page: lessons that came from it, and "promote to a lesson" for those who may draft."""
    request = context["request"]
    return {
        "request": request,
        "sprint": sprint,
        "lessons": lessons_from_sprint(sprint=sprint, user=request.user),
        "can_promote": can_edit_knowledge(request.user, municipality=sprint.municipality),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("knowledge/includes/related_lessons.html", takes_context=True)
def related_lessons(context: dict[str, Any], panel: Any) -> dict[str, Any]:
    """In the sprints' "has anyone tried this?" panel: lessons on the panel's phases, method and work package."""
    lessons = lessons_related_to(
        user=context["request"].user,
        phases=panel.phases,
        method=panel.method,
        work_package=panel.work_package,
    )
    return {"lessons": lessons}
