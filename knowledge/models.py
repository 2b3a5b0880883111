"""Lessons, method cards and experience-exchange meetings as Wagtail pages under one knowledge index."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.functional import Promise, cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from themes.models import Visibility
from themes.permissions import visible_levels

from .admin_forms import KnowledgePageForm
from .blocks import BodyBlock
from .page_permissions import KnowledgePagePermissionTester

# Path segments under the knowledge index that belong to views, not pages (see knowledge/urls.py).
RESERVED_SLUGS = frozenset(
    {"flode", "mina-granskningar", "sammanfattning", "dagordning", "fran-sprint", "pdf"}
)


class Evidence(models.TextChoices):
    """How strong a lesson's evidence is, weakest first (DOMAIN.md)."""

    ANECDOTE = "anecdote", _("Anecdote")
    OBSERVED = "observed", _("Observed")
    MEASURED = "measured", _("Measured")
    EVALUATED = "evaluated", _("Evaluated")

    @classmethod
    def at_least(cls, level: str) -> list[str]:
        """The levels at or above `level`, for "evidence at least …" filters."""
        values = list(cls.values)
        return values[values.index(level) :] if level in values else values


def evidence_field() -> models.CharField[str, str]:
    """The evidence level of a lesson or a method card: both are read on the same scale."""
    return models.CharField(
        _("evidence level"), max_length=16, choices=Evidence.choices, default=Evidence.ANECDOTE, db_index=True
    )


class Language(models.TextChoices):
    SV = "sv", _("Swedish")
    EN = "en", _("English")


class PageKind(models.TextChoices):
    """The three kinds of knowledge page: the `type` of the import format, the API and the search filter."""

    LESSON = "lesson", _("Lesson")
    METHOD = "method", _("Method card")
    EXCHANGE = "exchange", _("Exchange meeting")


@dataclass(frozen=True)
class Section:
    """One headed rich-text field of a knowledge page type, in reading order.

    A page type lists its sections once; its editor panels, search fields, API fields and the `sections` that the
    templates, print view and PDF show are all derived from that list, so they cannot drift apart.
    """

    field: str
    heading: str | Promise
    search_boost: float | None = None


class KnowledgeTag(TaggedItemBase):
    """The one tag relation shared by every knowledge page type, so a tag means the same across them."""

    content_object = ParentalKey(
        "knowledge.KnowledgePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


def allow_page_cache(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Mark a page rendered for an anonymous reader as public, so that the page cache (portal/pagecache.py, on in
    production) and browsers may keep it for PAGE_CACHE_SECONDS. Only called for what anyone may see."""
    if settings.PAGE_CACHE_SECONDS > 0 and not request.user.is_authenticated:
        patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_SECONDS)
    return response


class KnowledgeIndexPage(Page):
    """The knowledge base at /kunskap/: filterable, paginated, and shows only what the reader may see."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels: ClassVar[list[Any]] = [*Page.content_panels, FieldPanel("intro")]
    subpage_types: ClassVar[list[str]] = [
        "knowledge.LessonPage",
        "knowledge.MethodCardPage",
        "knowledge.ExchangeMeetingPage",
    ]
    max_count = 1
    api_fields: ClassVar[list[APIField]] = [APIField("intro")]

    class Meta:
        verbose_name = _("knowledge index")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from .selectors import knowledge_listing

        context = super().get_context(request, *args, **kwargs)
        context.update(knowledge_listing(index=self, user=request.user, params=request.GET))
        return cast("dict[str, Any]", context)

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # An anonymous reader's listing holds public pages only, the same for every anonymous reader.
        return allow_page_cache(request, super().serve(request, *args, **kwargs))


class KnowledgePage(Page):
    """What lessons, method cards and meetings share: visibility, taxonomy, tags, owner and review date.

    The knowledge owner is Wagtail's own `Page.owner` (the person who drafted the page unless reassigned):
    Wagtail already lets the owner of a page edit it, which is exactly the lead's right to their draft.

    A concrete parent (multi-table) rather than an abstract one, so that the index lists, filters and
    counts all three types in one query and one tag model serves them all.
    """

    KIND: ClassVar[str] = ""
    SECTIONS: ClassVar[tuple[Section, ...]] = ()
    base_form_class = KnowledgePageForm

    kind = models.CharField(_("type"), max_length=16, editable=False, db_index=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.SV)
    visibility = models.CharField(
        _("visibility"),
        max_length=16,
        choices=Visibility.choices,
        default=Visibility.INTERNAL,
        db_index=True,
        help_text=_(
            "Public: everyone. Partners: logged-in partners and the programme. Internal: the programme."
        ),
    )
    summary = RichTextField(_("summary"), blank=True, features=["bold", "italic", "link"])
    body = StreamField(BodyBlock(), verbose_name=_("more"), blank=True)
    municipality = models.ForeignKey(
        "themes.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Leave empty for knowledge that concerns the whole region."),
    )
    work_package = models.ForeignKey(
        "themes.WorkPackage",
        verbose_name=_("work package"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    value_chain_step = models.ForeignKey(
        "themes.ValueChainStep",
        verbose_name=_("value-chain step"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    relocation_phases = ParentalManyToManyField(
        "themes.RelocationPhase",
        verbose_name=_("relocation phases"),
        blank=True,
        related_name="knowledge_pages",
    )
    method = models.ForeignKey(
        "themes.SprintMethod",
        verbose_name=_("sprint method"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    tags = ClusterTaggableManager(verbose_name=_("tags"), through=KnowledgeTag, blank=True)
    review_by = models.DateField(_("review by"), null=True, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)

    is_creatable = False
    parent_page_types: ClassVar[list[str]] = ["knowledge.KnowledgeIndexPage"]
    subpage_types: ClassVar[list[str]] = []

    search_fields: ClassVar[list[Any]] = [
        *Page.search_fields,
        index.SearchField("summary", boost=3),
        index.SearchField("body"),
        index.SearchField("tag_names", boost=2),
        index.FilterField("kind"),
        index.FilterField("visibility"),
        index.FilterField("language"),
        index.FilterField("municipality"),
        index.FilterField("work_package"),
        index.FilterField("value_chain_step"),
        index.FilterField("method"),
        index.FilterField("relocation_phases"),
        index.FilterField("date"),
        index.RelatedFields(
            "municipality",
            [index.SearchField("name"), index.FilterField("slug"), index.SearchField("aliases")],
        ),
        index.RelatedFields("relocation_phases", [index.FilterField("code"), index.SearchField("label_sv")]),
        index.RelatedFields("tags", [index.SearchField("name", boost=2), index.FilterField("slug")]),
    ]

    taxonomy_panels: ClassVar[list[Any]] = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("visibility"), FieldPanel("language")]),
                FieldPanel("municipality"),
                FieldRowPanel([FieldPanel("work_package"), FieldPanel("value_chain_step")]),
                FieldPanel("relocation_phases", widget=forms.CheckboxSelectMultiple),
                FieldPanel("method"),
                FieldPanel("tags"),
            ],
            heading=_("Visibility and taxonomy"),
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("owner"), FieldPanel("review_by"), FieldPanel("date")])],
            heading=_("Ownership"),
        ),
    ]
    api_fields: ClassVar[list[APIField]] = [
        APIField("kind"),
        APIField("language"),
        APIField("visibility"),
        APIField("summary"),
        APIField("date"),
        APIField("municipality_slug"),
        APIField("tag_names"),
    ]

    class Meta:
        verbose_name = _("knowledge page")
        ordering: ClassVar[list[str]] = ["-date", "-first_published_at"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The type is denormalised so listings and search filter on it without joining content types.
        self.kind = type(self).KIND or self.kind
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": _("This address is used by the knowledge base itself.")})

    @cached_property
    def phase_list(self) -> list[Any]:
        """The page's relocation phases in cycle order (pre-filled for listings by selectors.attach_taxonomy)."""
        return sorted(self.relocation_phases.all(), key=lambda phase: phase.sort_order)

    @cached_property
    def tag_list(self) -> list[Any]:
        return sorted(self.tags.all(), key=lambda tag: tag.name)

    @property
    def kind_label(self) -> str:
        return str(PageKind(self.kind).label) if self.kind in PageKind.values else ""

    @classmethod
    def get_indexed_objects(cls) -> models.QuerySet[Any]:
        # modelsearch prefetches the tags but not the phases (a ParentalManyToManyField): without this a
        # rebuild would ask for each page's phases on its own (20,000 queries for 20,000 lessons).
        return super().get_indexed_objects().prefetch_related("relocation_phases")  # type: ignore[no-any-return]

    @property
    def sections(self) -> list[tuple[str, str]]:
        """The page's headed fields in reading order, for templates, print and PDF."""
        return [(str(section.heading), getattr(self, section.field)) for section in self.SECTIONS]

    @property
    def tag_names(self) -> list[str]:
        return [tag.name for tag in self.tags.all()]

    @property
    def municipality_slug(self) -> str | None:
        return self.municipality.slug if self.municipality is not None else None

    @property
    def review_overdue(self) -> bool:
        return self.review_by is not None and self.review_by < timezone.localdate()

    def visible_to(self, user: Any) -> bool:
        return self.visibility in visible_levels(user)

    def permissions_for_user(self, user: Any) -> KnowledgePagePermissionTester:
        # Every Wagtail admin view asks this tester: the programme's rule applies to all of them (page_permissions).
        return KnowledgePagePermissionTester(user, self)

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # "Not even its existence shows": someone who may not see the page gets the same 404 as a wrong address.
        if not self.visible_to(request.user):
            raise Http404
        response = super().serve(request, *args, **kwargs)
        if self.visibility == Visibility.PUBLIC:
            # Related pages and the evidence trail shown to an anonymous reader are filtered to public ones too.
            allow_page_cache(request, response)
        return cast("HttpResponse", response)

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from .selectors import attach_taxonomy, related_knowledge

        context = super().get_context(request, *args, **kwargs)
        attach_taxonomy([self])
        context["related"] = related_knowledge(page=self, user=request.user)
        return cast("dict[str, Any]", context)


def knowledge_panels(*panels: str | Any) -> list[Any]:
    """A page type's editor panels: title, summary, its own fields (a name or a panel each), body, then taxonomy."""
    own = [FieldPanel(panel) if isinstance(panel, str) else panel for panel in panels]
    return [
        *Page.content_panels,
        FieldPanel("summary"),
        *own,
        FieldPanel("body"),
        *KnowledgePage.taxonomy_panels,
    ]


def section_fields(sections: tuple[Section, ...]) -> list[str]:
    return [section.field for section in sections]


def knowledge_search_fields(sections: tuple[Section, ...], *filters: str) -> list[Any]:
    """A page type's search fields: the shared ones, its sections (full text) and the fields it filters on."""
    return [
        *KnowledgePage.search_fields,
        *(index.SearchField(section.field, boost=section.search_boost) for section in sections),
        *(index.FilterField(name) for name in filters),
    ]


def knowledge_api_fields(*names: str) -> list[APIField]:
    """A page type's API fields: the shared ones, then its own in the given order."""
    return [*KnowledgePage.api_fields, *(APIField(name) for name in names)]


class LessonPage(KnowledgePage):
    """A lesson learned in a sprint or in the work around it, with its evidence."""

    KIND = PageKind.LESSON
    SECTIONS = (
        Section("context", _("Context")),
        Section("what_we_did", _("What we did")),
        Section("result", _("Result"), search_boost=2),
        Section("advice", _("Advice"), search_boost=2),
    )

    evidence = evidence_field()
    context = RichTextField(_("context"), blank=True)
    what_we_did = RichTextField(_("what we did"), blank=True)
    result = RichTextField(_("result"), blank=True)
    advice = RichTextField(_("advice"), blank=True)
    source_sprint = models.ForeignKey(
        "sprints.Sprint",
        verbose_name=_("source sprint"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        # No reverse manager on Sprint (the sprints app does not know knowledge exists); the sprint page
        # lists its lessons through knowledge.selectors.lessons_from_sprint.
        related_name="+",
        help_text=_("The sprint this lesson was learned in: its evidence trail."),
    )

    content_panels: ClassVar[list[Any]] = knowledge_panels(
        *section_fields(SECTIONS), "evidence", "source_sprint"
    )
    search_fields: ClassVar[list[Any]] = knowledge_search_fields(SECTIONS, "evidence", "source_sprint")
    api_fields: ClassVar[list[APIField]] = knowledge_api_fields("evidence", *section_fields(SECTIONS))

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        sprint = self.source_sprint
        context["source_sprint"] = (
            sprint if sprint is not None and sprint.visibility in visible_levels(request.user) else None
        )
        context["meetings"] = list(
            self.exchange_meetings.live()
            .filter(visibility__in=visible_levels(request.user))
            .order_by("-date")
        )
        return context


class MethodCardPage(KnowledgePage):
    """How to run one sprint method: when to use it, the steps, time and cost, and pitfalls."""

    KIND = PageKind.METHOD
    SECTIONS = (
        Section("when_to_use", _("When to use")),
        Section("steps", _("Steps")),
        Section("time_and_cost", _("Time and cost")),
        Section("pitfalls", _("Pitfalls")),
    )

    # How well-proven the method is, on the lessons' scale: a card written from one try is an anecdote.
    evidence = evidence_field()
    when_to_use = RichTextField(_("when to use"), blank=True)
    steps = RichTextField(_("steps"), blank=True)
    time_and_cost = RichTextField(_("time and cost"), blank=True)
    pitfalls = RichTextField(_("pitfalls"), blank=True)

    content_panels: ClassVar[list[Any]] = knowledge_panels(*section_fields(SECTIONS), "evidence")
    search_fields: ClassVar[list[Any]] = knowledge_search_fields(SECTIONS, "evidence")
    api_fields: ClassVar[list[APIField]] = knowledge_api_fields(*section_fields(SECTIONS), "evidence")

    class Meta:
        verbose_name = _("method card")
        verbose_name_plural = _("method cards")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from .selectors import method_usage

        context = super().get_context(request, *args, **kwargs)
        context.update(method_usage(method_card=self, user=request.user))
        return context


class ExchangeMeetingPage(KnowledgePage):
    """An experience-exchange meeting of the municipalities: agenda, notes, decisions and the lessons discussed."""

    KIND = PageKind.EXCHANGE
    SECTIONS = (
        Section("agenda", _("Agenda")),
        Section("notes", _("Notes")),
        Section("decisions", _("Decisions"), search_boost=2),
    )

    participating_municipalities = ParentalManyToManyField(
        "themes.Municipality",
        verbose_name=_("participating municipalities"),
        blank=True,
        related_name="exchange_meetings",
    )
    agenda = RichTextField(_("agenda"), blank=True)
    notes = RichTextField(_("notes"), blank=True)
    decisions = RichTextField(_("decisions"), blank=True)
    linked_lessons = ParentalManyToManyField(
        "knowledge.LessonPage",
        verbose_name=_("lessons discussed"),
        blank=True,
        related_name="exchange_meetings",
    )

    content_panels: ClassVar[list[Any]] = knowledge_panels(
        FieldPanel("participating_municipalities", widget=forms.CheckboxSelectMultiple),
        *section_fields(SECTIONS),
        "linked_lessons",
    )
    search_fields: ClassVar[list[Any]] = knowledge_search_fields(SECTIONS)
    api_fields: ClassVar[list[APIField]] = knowledge_api_fields(*section_fields(SECTIONS))

    class Meta:
        verbose_name = _("experience-exchange meeting")
        verbose_name_plural = _("experience-exchange meetings")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["linked_lessons"] = list(
            self.linked_lessons.live().filter(visibility__in=visible_levels(request.user)).order_by("title")
        )
        return context

    @property
    def is_upcoming(self) -> bool:
        return self.date is not None and self.date >= timezone.localdate()


class ReviewReminder(models.Model):
    """One review reminder per owner and ISO week, so the weekly task may run again without mailing twice."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="knowledge_review_reminders"
    )
    week = models.CharField(_("ISO week"), max_length=8)  # e.g. 2026-W48
    page_count = models.PositiveIntegerField(_("pages due"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("review reminder")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["owner", "week"], name="knowledge_one_review_reminder_per_week"),
        ]

    def __str__(self) -> str:
        return f"{self.owner} {self.week}"


class DigestDelivery(models.Model):
    """The monthly digest sent to one person for one month (at most once)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="knowledge_digests"
    )
    month = models.DateField(_("month"))  # first day of the month the digest covers
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("digest delivery")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["recipient", "month"], name="knowledge_one_digest_per_month"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} {self.month:%Y-%m}"
