"""Sprints of the municipalities' local work: the sprint, its cards, results, attachments, retrospective and history."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelsearch import index

from themes.models import Municipality, RelocationPhase, SprintMethod, ValueChainStep, Visibility, WorkPackage
from themes.validators import validate_plausible_date


class Status(models.TextChoices):
    """The board columns of DOMAIN.md, in board order."""

    IDEA = "idea", _("Idea")
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    LEARNED = "learned", _("Learned")
    CLOSED = "closed", _("Closed")


# Sprints in these columns have been carried out; the overview counts them as finished.
FINISHED_STATUSES = (Status.LEARNED, Status.CLOSED)


class LiveManager(models.Manager[Any]):
    """The default manager of correctable rows: a removed row is kept for the history but left out of every read
    (pages, figures, exports, charts, plans) unless the caller asks `all_objects` for it on purpose."""

    def get_queryset(self) -> models.QuerySet[Any]:
        return super().get_queryset().filter(deleted_at__isnull=True)


class CorrectableRecord(models.Model):
    """What a sprint's cards, results and evidence files share: when the row was made, and its soft removal (kept
    for the history, left out of every read through `objects`; `all_objects` still finds it)."""

    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(_("removed"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # Declared first but not the default (Meta.default_manager_name): ruff's DJ012 reads LiveManager() as a field.
    all_objects = models.Manager()
    objects = LiveManager()

    class Meta:
        abstract = True
        default_manager_name = "objects"


class Sprint(index.Indexed, models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="sprints", verbose_name=_("municipality")
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, allow_unicode=False)
    goal = models.TextField(_("goal"))
    hypothesis = models.TextField(
        _("hypothesis"),
        blank=True,
        help_text=_("We believe that … will … measured by …"),
    )
    work_package = models.ForeignKey(
        WorkPackage, on_delete=models.PROTECT, related_name="sprints", verbose_name=_("work package")
    )
    value_chain_step = models.ForeignKey(
        ValueChainStep,
        on_delete=models.PROTECT,
        related_name="sprints",
        null=True,
        blank=True,
        verbose_name=_("value-chain step"),
    )
    relocation_phases = models.ManyToManyField(
        RelocationPhase, related_name="sprints", verbose_name=_("relocation phases")
    )
    method = models.ForeignKey(
        SprintMethod, on_delete=models.PROTECT, related_name="sprints", verbose_name=_("sprint method")
    )
    team_members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="sprints", blank=True, verbose_name=_("team members")
    )
    team_note = models.CharField(
        _("other team members"),
        max_length=300,
        blank=True,
        help_text=_("People without a Stigar account, e.g. “Anna (näringslivskontoret), Sami-föreningen”."),
    )
    start = models.DateField(_("start"), validators=[validate_plausible_date])
    end = models.DateField(_("end"), validators=[validate_plausible_date])
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.IDEA)
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    position = models.PositiveIntegerField(_("position in column"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # An archived sprint leaves its municipality's board; its page, results and history stay, and it can be restored.
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    search_fields = [
        index.SearchField("title", boost=3),
        index.AutocompleteField("title"),
        index.SearchField("goal"),
        index.SearchField("hypothesis"),
        index.RelatedFields(
            "retrospective",
            [
                index.SearchField("what_worked"),
                index.SearchField("what_did_not_work"),
                index.SearchField("surprises"),
                index.SearchField("next_step"),
            ],
        ),
        index.FilterField("municipality"),
        index.FilterField("status"),
        index.FilterField("visibility"),
    ]

    class Meta:
        ordering = ["status", "position", "pk"]
        verbose_name = _("sprint")
        verbose_name_plural = _("sprints")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="sprint_end_after_start"
            ),
            models.UniqueConstraint(
                fields=["municipality", "slug"], name="sprint_slug_unique_per_municipality"
            ),
        ]
        indexes = [models.Index(fields=["municipality", "status", "position"], name="sprint_board_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("sprints:detail", kwargs={"municipality": self.municipality.slug, "pk": self.pk})

    def clean(self) -> None:
        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The end date cannot be before the start date.")})

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Card(CorrectableRecord):
    """An activity on a sprint's own board."""

    class Column(models.TextChoices):
        TODO = "todo", _("To do")
        DOING = "doing", _("Doing")
        DONE = "done", _("Done")

    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="cards")
    title = models.CharField(_("activity"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sprint_cards",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True, validators=[validate_plausible_date])
    column = models.CharField(_("column"), max_length=8, choices=Column.choices, default=Column.TODO)
    position = models.PositiveIntegerField(_("position in column"), default=0)

    class Meta(CorrectableRecord.Meta):
        ordering = ["sprint", "column", "position", "pk"]
        verbose_name = _("card")
        verbose_name_plural = _("cards")

    def __str__(self) -> str:
        return self.title


class Result(CorrectableRecord):
    """A measured outcome of a sprint: a metric's baseline, target and actual value on a date."""

    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="results")
    metric = models.CharField(_("metric"), max_length=160)
    unit = models.CharField(_("unit"), max_length=32, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2, null=True, blank=True)
    actual = models.DecimalField(_("actual"), max_digits=14, decimal_places=2)
    date = models.DateField(_("date"), validators=[validate_plausible_date])
    evidence_note = models.TextField(_("evidence note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta(CorrectableRecord.Meta):
        ordering = ["date", "pk"]
        verbose_name = _("result")
        verbose_name_plural = _("results")

    def __str__(self) -> str:
        return f"{self.metric}: {self.actual} {self.unit}".strip()

    @property
    def target_met(self) -> bool | None:
        """Whether the actual value reached the target (in the direction from the baseline); None without a target."""
        if self.target is None:
            return None
        if self.baseline is not None and self.target < self.baseline:
            return self.actual <= self.target
        return self.actual >= self.target


def attachment_path(instance: ResultAttachment, filename: str) -> str:
    return f"sprints/results/{instance.result.sprint_id}/{filename}"


class ResultAttachment(CorrectableRecord):
    """Evidence for a result; type and size are checked by `sprints.uploads` before it is stored."""

    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta(CorrectableRecord.Meta):
        ordering = ["created_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class Retrospective(models.Model):
    sprint = models.OneToOneField(Sprint, on_delete=models.CASCADE, related_name="retrospective")
    what_worked = models.TextField(_("what worked"))
    what_did_not_work = models.TextField(_("what did not work"), blank=True)
    surprises = models.TextField(_("surprises"), blank=True)
    next_step = models.TextField(_("next step"), blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("retrospective")
        verbose_name_plural = _("retrospectives")

    def __str__(self) -> str:
        return f"{_('Retrospective')}: {self.sprint}"


class ActivityEvent(models.Model):
    """Who changed what on a sprint, and when: the board's history."""

    class Verb(models.TextChoices):
        CREATED = "created", _("created the sprint")
        UPDATED = "updated", _("edited the sprint")
        MOVED = "moved", _("moved the sprint")
        CARD_ADDED = "card_added", _("added a card")
        CARD_MOVED = "card_moved", _("moved a card")
        RESULT_LOGGED = "result_logged", _("logged a result")
        ATTACHMENT_ADDED = "attachment_added", _("attached a file")
        CLOSED = "closed", _("closed the sprint with a retrospective")
        RESULT_CORRECTED = "result_corrected", _("corrected a result")
        RESULT_REMOVED = "result_removed", _("removed a result")
        CARD_EDITED = "card_edited", _("edited a card")
        CARD_REMOVED = "card_removed", _("removed a card")
        ATTACHMENT_REMOVED = "attachment_removed", _("removed a file")
        ARCHIVED = "archived", _("archived the sprint")
        RESTORED = "restored", _("restored the sprint")

    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verb = models.CharField(max_length=24, choices=Verb.choices)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    # What a correction changed: [{"field": name, "old": text, "new": text}], the values as they were shown then.
    changes = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("activity event")
        verbose_name_plural = _("activity events")

    def __str__(self) -> str:
        return f"{self.actor} {self.get_verb_display()} ({self.created_at:%Y-%m-%d %H:%M})"

    @staticmethod
    def _column_label(value: str) -> str:
        labels = {**dict(Card.Column.choices), **dict(Status.choices)}
        return str(labels.get(value, value))

    @property
    def from_label(self) -> str:
        return self._column_label(self.from_status)

    @property
    def to_label(self) -> str:
        return self._column_label(self.to_status)

    @property
    def change_rows(self) -> list[tuple[str, str, str]]:
        """(field label in the reader's language, old, new) for each changed field of a correction."""
        model: type[models.Model] = Card if self.verb.startswith("card_") else Result
        rows = []
        for change in self.changes or []:
            name = str(change.get("field", ""))
            try:
                label = str(getattr(model._meta.get_field(name), "verbose_name", name))
            except FieldDoesNotExist:  # a field renamed since: show its stored name rather than fail the page
                label = name
            rows.append((label, str(change.get("old", "")), str(change.get("new", ""))))
        return rows


class BoardColumnLimit(models.Model):
    """A soft work-in-progress limit on one column of a municipality's sprint board: above it the board warns, it
    never refuses a move (a lead may have good reasons to run one more sprint for a while)."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="board_limits", verbose_name=_("municipality")
    )
    status = models.CharField(_("column"), max_length=16, choices=Status.choices)
    limit = models.PositiveSmallIntegerField(
        _("work-in-progress limit"), validators=[MinValueValidator(1), MaxValueValidator(99)]
    )

    class Meta:
        verbose_name = _("board column limit")
        verbose_name_plural = _("board column limits")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "status"], name="board_limit_unique_per_column"),
            models.CheckConstraint(condition=models.Q(limit__gte=1), name="board_limit_at_least_one"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality}: {self.get_status_display()} ≤ {self.limit}"
