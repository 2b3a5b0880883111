"""Template helpers for the taxonomy: labels in the active language and the visibility badge."""

from django import template
from django.utils.translation import gettext as _

from themes.models import Visibility

register = template.Library()


@register.inclusion_tag("themes/visibility_badge.html")
def visibility_badge(level: str) -> dict[str, str]:
    labels = dict(Visibility.choices)
    return {"level": level, "label": str(labels.get(level, _("Internal")))}
