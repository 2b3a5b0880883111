"""Each municipality's action plan per programme period: needs ("skav"), goals, activities carried out by sprints, the
frozen versions the coordinating team approved, and the receiving-capacity indicator values the plans are read against."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from sprints.models import Sprint
from themes.models import Municipality, RelocationPhase, ValueChainStep, Visibility, WorkPackage

# A programme period is a year ("2026") or a span of years ("2026-2027").
PERIOD_PATTERN = r"^[0-9]{4}(-[0-9]{4})?$"


class IndicatorKind(models.TextChoices):
    """The receiving-capacity indicators a municipality reports (the import's `indicator` column)."""

    VACANT_RENTAL_FLATS = "vacant_rental_flats", _("Vacant rental flats")
    OPEN_JOB_ADS = "open_job_ads", _("Open job ads")
    FREE_PRESCHOOL_PLACES = "free_preschool_places", _("Free preschool places")
    BROADBAND_COVERAGE = "broadband_coverage", _("Broadband coverage")


class ActionPlan(models.Model):
    """The living plan of one municipality for one period. Approving it freezes the current content as a numbered
    `ActionPlanVersion`; a later edit makes the plan a draft of the next version."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        APPROVED = "approved", _("Approved")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="action_plans", verbose_name=_("municipality")
    )
    period = models.CharField(
        _("period"), max_length=9, help_text=_("The programme period: a year such as 2026, or 2026-2027.")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=1)
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    summary = models.TextField(_("summary"), blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["municipality__name", "-period"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "period"], name="action_plan_one_per_period"),
            models.CheckConstraint(
                condition=models.Q(period__regex=PERIOD_PATTERN), name="action_plan_period"
            ),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="action_plan_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.period}"

    def get_absolute_url(self) -> str:
        return reverse("plans:plan", kwargs={"municipality": self.municipality.slug, "period": self.period})


class ActionPlanVersion(models.Model):
    """An approved version of a plan, frozen as the plan's content at approval (the API's shape, plus ids)."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("content"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"))
    comment = models.TextField(_("review comment"), blank=True)

    class Meta:
        ordering = ["plan", "-number"]
        verbose_name = _("approved version")
        verbose_name_plural = _("approved versions")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="action_plan_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"


class NeedTag(TaggedItemBase):
    """Tags of needs share taggit's tag table with knowledge pages, so a need and a lesson can carry the same tag."""

    content_object = models.ForeignKey("Need", on_delete=models.CASCADE, related_name="tagged_items")


class Need(models.Model):  # type: ignore[django-manager-missing]
    """A need or friction point from the dialogues ("skav"): where it chafes when people move in."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="needs")
    text = models.TextField(_("need or friction"))
    value_chain_step = models.ForeignKey(
        ValueChainStep, on_delete=models.PROTECT, related_name="+", verbose_name=_("value-chain step")
    )
    relocation_phase = models.ForeignKey(
        RelocationPhase, on_delete=models.PROTECT, related_name="+", verbose_name=_("relocation phase")
    )
    work_package = models.ForeignKey(
        WorkPackage, on_delete=models.PROTECT, related_name="+", verbose_name=_("work package")
    )
    tags = TaggableManager(verbose_name=_("tags"), through=NeedTag, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["plan", "position", "pk"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def force(self) -> str:
        """Attraction (pull) or receiving capacity: the force of the value-chain step the need belongs to."""
        return self.value_chain_step.force


class Goal(models.Model):
    """A goal of the plan: an indicator with a baseline, a target and a date.

    Its progress is read from a receiving-capacity indicator of the municipality (`capacity_indicator`), or else from
    the results of the sprints that carry its activities, by metric name (`result_metric`, or the indicator itself).
    """

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="goals")
    indicator = models.CharField(_("indicator"), max_length=160)
    unit = models.CharField(_("unit"), max_length=32, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    due = models.DateField(_("due date"))
    capacity_indicator = models.CharField(
        _("receiving-capacity indicator"),
        max_length=32,
        blank=True,
        choices=IndicatorKind.choices,
        help_text=_("Follow this goal with the municipality's imported indicator values."),
    )
    result_metric = models.CharField(
        _("metric in sprint results"),
        max_length=160,
        blank=True,
        help_text=_(
            "Follow this goal with the linked sprints' results of this metric (default: the indicator)."
        ),
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["plan", "position", "pk"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(target=models.F("baseline")), name="goal_target_differs_from_baseline"
            ),
        ]

    def __str__(self) -> str:
        return self.indicator

    def clean(self) -> None:
        super().clean()
        if self.baseline is not None and self.target is not None and self.baseline == self.target:
            raise ValidationError({"target": _("The target must differ from the baseline.")})

    @property
    def metric(self) -> str:
        """The metric name looked for in the linked sprints' results."""
        return self.result_metric or self.indicator


class Activity(models.Model):
    """A planned activity, carried out by sprints (a sprint can serve several activities)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="activities")
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    drop_reason = models.TextField(_("reason for dropping"), blank=True)
    need = models.ForeignKey(
        Need,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("answers the need"),
    )
    goal = models.ForeignKey(
        Goal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("serves the goal"),
    )
    sprints = models.ManyToManyField(Sprint, related_name="+", blank=True, verbose_name=_("sprints"))
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["plan", "position", "pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="dropped") | ~models.Q(drop_reason=""),
                name="activity_dropped_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.status == self.Status.DROPPED and not self.drop_reason.strip():
            raise ValidationError({"drop_reason": _("Say why the activity was dropped.")})


class IndicatorValue(models.Model):
    """A receiving-capacity figure of a municipality in a period, with its source and the date it describes."""

    Kind = IndicatorKind

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="capacity_indicators",
        verbose_name=_("municipality"),
    )
    period = models.CharField(_("period"), max_length=9)
    kind = models.CharField(_("indicator"), max_length=32, choices=IndicatorKind.choices)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    source = models.CharField(_("source"), max_length=200)
    date = models.DateField(_("date"))
    synthetic = models.BooleanField(
        _("synthetic"), default=False, help_text=_("Made-up demo values, never to be read as real figures.")
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["municipality__name", "period", "kind", "-date"]
        verbose_name = _("receiving-capacity indicator value")
        verbose_name_plural = _("receiving-capacity indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "period", "kind", "date"], name="indicator_value_unique"
            ),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="indicator_value_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.period} {self.kind}: {self.value}"

    @property
    def unit(self) -> str:
        return "%" if self.kind == IndicatorKind.BROADBAND_COVERAGE else ""
