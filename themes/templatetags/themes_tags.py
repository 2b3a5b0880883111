"""Template helpers for the taxonomy: labels in the active language, the visibility badge and the table region."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import FilterExpression, Parser, Token, token_kwargs
from django.template.context import Context
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from themes.models import Visibility

register = template.Library()


@register.inclusion_tag("themes/visibility_badge.html")
def visibility_badge(level: str) -> dict[str, str]:
    labels = dict(Visibility.choices)
    return {"level": level, "label": str(labels.get(level, _("Internal")))}


TABLE_REGION_OPTIONS = frozenset(
    {"rows", "empty", "empty_class", "labelledby", "label", "wrap_class", "class", "caption"}
)


class TableRegionNode(template.Node):
    def __init__(self, nodelist: template.NodeList, options: dict[str, FilterExpression]) -> None:
        self.nodelist = nodelist
        self.options = options

    def render(self, context: Context) -> SafeString:
        values: dict[str, Any] = {"empty_class": "muted"}
        values.update({name: value.resolve(context) for name, value in self.options.items()})
        # Without `rows` the table is always drawn; with it, an empty `rows` draws the `empty` sentence instead.
        values["has_rows"] = bool(values["rows"]) if "rows" in values else True
        if values["has_rows"]:
            values["body"] = self.nodelist.render(context)
        region = (
            context.template.engine.get_template("themes/_table_region.html") if context.template else None
        )
        if region is None:  # pragma: no cover - a tag always renders inside a template
            raise template.TemplateSyntaxError("table_region renders only inside a template")
        return region.render(context.new(values))


@register.tag("table_region")
def table_region(parser: Parser, token: Token) -> TableRegionNode:
    """A table that scrolls sideways in its own keyboard-reachable region, with its hidden caption and empty state.

    `{% table_region rows=plans labelledby="plans-title" class="data-table" caption=_("…") empty=_("…") %}
    <thead>…</thead><tbody>…</tbody>{% endtable_region %}`: `labelledby` (an id) or `label` (text) make the wrapper
    a focusable region so that keyboard users can scroll it (WCAG 2.1.1); `rows` and `empty` say what stands
    instead of the table when there is nothing to list (a paragraph of class `empty_class`, "muted" unless given).
    """
    bits = token.split_contents()[1:]
    options = token_kwargs(bits, parser)
    if bits or not set(options) <= TABLE_REGION_OPTIONS:
        raise template.TemplateSyntaxError(
            f"table_region takes only name=value options among {', '.join(sorted(TABLE_REGION_OPTIONS))}"
        )
    nodelist = parser.parse(("endtable_region",))
    parser.delete_first_token()
    return TableRegionNode(nodelist, options)
