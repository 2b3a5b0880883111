"""The taxonomy as Wagtail snippets, so the coordinating team can edit labels (codes stay fixed)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Municipality, RelocationPhase, SprintMethod, ValueChainStep, WorkPackage

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


class WorkPackageViewSet(SnippetViewSet):
    model = WorkPackage
    icon = "folder-open-inverse"
    list_display = ["code", "label_sv", "label_en"]
    panels = _TERM_PANELS


class ValueChainStepViewSet(SnippetViewSet):
    model = ValueChainStep
    icon = "link"
    list_display = ["code", "label_sv", "label_en", "force"]
    panels = [*_TERM_PANELS, FieldPanel("force")]


class RelocationPhaseViewSet(SnippetViewSet):
    model = RelocationPhase
    icon = "arrow-right"
    list_display = ["code", "label_sv", "label_en", "aida_stage"]
    panels = [*_TERM_PANELS, FieldPanel("aida_stage")]


class SprintMethodViewSet(SnippetViewSet):
    model = SprintMethod
    icon = "cogs"
    list_display = ["code", "label_sv", "label_en"]
    panels = _TERM_PANELS


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


register_snippet(TaxonomyViewSetGroup)
