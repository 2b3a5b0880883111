"""The taxonomy as Wagtail snippets, so the coordinating team can edit labels (codes stay fixed)."""

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.log_actions import LogFormatter
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Municipality, RelocationPhase, Role, SprintMethod, ValueChainStep, WorkPackage
from .permissions import can_edit_taxonomy_labels
from .services import MEMBERSHIP_LOG_ACTION

# Labels are edited; terms are never added or deleted by hand (their codes are identifiers used everywhere).
_TAXONOMY_ACTIONS = frozenset({"change", "view"})


class TaxonomyPermissionPolicy(ModelPermissionPolicy):
    """The admin's taxonomy views follow themes.permissions.can_edit_taxonomy_labels, for "change" and "view" only."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action in _TAXONOMY_ACTIONS and can_edit_taxonomy_labels(user)

    def user_has_any_permission(self, user: Any, actions: Any) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)


_TERM_PANELS = [
    FieldPanel("code", read_only=True),
    FieldPanel("label_sv"),
    FieldPanel("label_en"),
    FieldPanel("sort_order"),
]


class MunicipalityViewSet(SnippetViewSet):
    model = Municipality
    icon = "site"
    list_display = ["name", "scb_code", "population", "cluster"]
    search_fields = ["name", "slug"]
    panels = [
        FieldPanel("name"),
        FieldPanel("slug", read_only=True),
        FieldPanel("scb_code", read_only=True),
        FieldPanel("population"),
        FieldPanel("aliases"),
        FieldPanel("cluster"),
    ]


class _TermViewSet(SnippetViewSet):
    """A taxonomy term: its code is a stable identifier, shown but not edited; the labels and the order may change."""

    list_display = ["code", "label_sv", "label_en"]
    panels = _TERM_PANELS


class WorkPackageViewSet(_TermViewSet):
    model = WorkPackage
    icon = "folder-open-inverse"


class ValueChainStepViewSet(_TermViewSet):
    model = ValueChainStep
    icon = "link"
    list_display = [*_TermViewSet.list_display, "force"]
    panels = [*_TERM_PANELS, FieldPanel("force")]


class RelocationPhaseViewSet(_TermViewSet):
    model = RelocationPhase
    icon = "arrow-right"
    list_display = [*_TermViewSet.list_display, "aida_stage"]
    panels = [*_TERM_PANELS, FieldPanel("aida_stage")]


class SprintMethodViewSet(_TermViewSet):
    model = SprintMethod
    icon = "cogs"


class TaxonomyViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Taxonomy")
    menu_icon = "tag"
    menu_name = "taxonomy"
    items = (
        MunicipalityViewSet,
        WorkPackageViewSet,
        ValueChainStepViewSet,
        RelocationPhaseViewSet,
        SprintMethodViewSet,
    )


for _taxonomy_model in (Municipality, WorkPackage, ValueChainStep, RelocationPhase, SprintMethod):
    register_permission_policy(_taxonomy_model, TaxonomyPermissionPolicy(_taxonomy_model))
register_snippet(TaxonomyViewSetGroup)


def _membership_text(described: dict[str, Any] | None) -> str:
    if not described or not described.get("role"):
        return gettext("no role")
    label = str(Role(described["role"]).label)
    if described.get("municipality_name"):
        return f"{label}, {described['municipality_name']}"
    return label


@hooks.register("register_log_actions")
def register_membership_log_action(actions: Any) -> None:
    @actions.register_action(MEMBERSHIP_LOG_ACTION)
    class MembershipChangeFormatter(LogFormatter):
        label = _("Change role")

        def format_message(self, log_entry: Any) -> str:
            data = log_entry.data or {}
            return gettext("Role changed: %(old)s → %(new)s") % {
                "old": _membership_text(data.get("old")),
                "new": _membership_text(data.get("new")),
            }
