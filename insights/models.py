"""Pseudonymised prospects, their import batches, model versions, segments, pins and the log of every shared export."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from themes.models import AidaStage, Municipality


class ImportBatch(models.Model):
    """One uploaded or command-line file: who, when, what came of it, and its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        IMPORTED = "imported", _("Imported")
        REJECTED = "rejected", _("Rejected")
        FAILED = "failed", _("Failed")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="import_batches")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    stored_path = models.CharField(_("stored file"), max_length=500, blank=True)
    source = models.CharField(_("source"), max_length=120, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    imported = models.PositiveIntegerField(_("imported"), default=0)
    skipped_no_consent = models.PositiveIntegerField(_("skipped without consent"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    progress = models.JSONField(_("progress"), default=dict, blank=True)
    # Unknown columns and the like: reported, never a reason to reject (same shape as `errors`).
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    # The worker's lease: renewed while it works on the batch. A running batch whose lease is older than
    # IMPORT_LEASE_SECONDS has lost its worker (killed, machine gone) and is marked failed and retryable.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class ScoringLock(models.Model):
    """At most one scoring run per municipality: the row exists while a run holds it (unique municipality).

    A run renews `heartbeat_at`; a lock older than SCORING_LOCK_SECONDS belongs to a dead run and may be taken over.
    """

    municipality = models.OneToOneField(Municipality, on_delete=models.CASCADE, related_name="+")
    task_id = models.CharField(max_length=64, blank=True)
    acquired_at = models.DateTimeField()
    heartbeat_at = models.DateTimeField()

    class Meta:
        verbose_name = _("scoring lock")
        verbose_name_plural = _("scoring locks")

    def __str__(self) -> str:
        return f"{self.municipality_id}: {self.task_id}"


class Prospect(models.Model):
    """A visitor-database prospect: pseudonym only (HMAC of the source id), never a name or the source id itself."""

    # Only the primary key and the (municipality, pseudonym) unique index: each further index slowed a
    # million-row import measurably, and every read goes through the unique index's municipality prefix.
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="prospects", db_index=False
    )
    pseudonym = models.CharField(_("pseudonym"), max_length=64)
    batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    country = models.CharField(_("country"), max_length=2)
    age_band = models.CharField(_("age band"), max_length=8)
    household = models.CharField(_("household"), max_length=8)
    visits = models.PositiveIntegerField(_("visits"), default=0)
    last_visit = models.DateField(_("last visit"), null=True, blank=True)
    season = models.CharField(_("season"), max_length=8, blank=True)
    interests = models.CharField(_("interests"), max_length=300, blank=True)
    newsletter_opens = models.PositiveIntegerField(_("newsletter opens"), default=0)
    site_visits = models.PositiveIntegerField(_("site visits"), default=0)
    guide_download = models.BooleanField(_("downloaded the guide"), default=False)
    webinar = models.BooleanField(_("attended a webinar"), default=False)
    job_clicks = models.PositiveIntegerField(_("job ad clicks"), default=0)
    remote_work = models.CharField(_("remote work"), max_length=8, default="unknown")
    profession = models.CharField(_("profession"), max_length=16, blank=True)
    spend_sek = models.FloatField(_("spend (SEK)"), null=True, blank=True)
    relocated = models.BooleanField(_("relocated"), null=True, blank=True)
    aida_stage = models.CharField(_("AIDA stage"), max_length=16, choices=AidaStage.choices)
    segment_key = models.CharField(_("segment"), max_length=64, blank=True)
    score = models.FloatField(_("score"), null=True, blank=True)
    imported_at = models.DateTimeField(_("imported"))

    class Meta:
        ordering = ["-score", "pk"]
        verbose_name = _("prospect")
        verbose_name_plural = _("prospects")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "pseudonym"], name="prospect_unique_pseudonym"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=0, score__lte=1),
                name="prospect_score_probability",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pseudonym[:12]}… ({self.municipality_id})"


class ModelVersion(models.Model):
    """A trained propensity model of one municipality: its skops file and evaluation report."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="model_versions")
    version = models.PositiveIntegerField(_("version"))
    kind = models.CharField(_("model"), max_length=40)
    file = models.CharField(_("file"), max_length=500, help_text=_("Relative to DATA_DIR/models."))
    metrics = models.JSONField(_("evaluation"), default=dict)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-version"]
        verbose_name = _("model version")
        verbose_name_plural = _("model versions")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "version"], name="model_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} v{self.version} ({self.kind})"


class Segment(models.Model):
    """A named group of one municipality's prospects with its aggregate figures, refreshed by every scoring run."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="segments")
    key = models.CharField(_("key"), max_length=64)
    country = models.CharField(_("country"), max_length=8)
    life_stage = models.CharField(_("life stage"), max_length=16)
    interest = models.CharField(_("main interest"), max_length=32)
    size = models.PositiveIntegerField(_("size"))
    mean_score = models.FloatField(_("mean score"), null=True)
    aida_mix = models.JSONField(_("AIDA mix"), default=dict)
    phases = models.JSONField(_("relocation phases"), default=list)
    top_factors = models.JSONField(_("top factors"), default=list)
    model_version = models.ForeignKey(ModelVersion, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-mean_score", "key"]
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        constraints = [models.UniqueConstraint(fields=["municipality", "key"], name="segment_unique_key")]

    def __str__(self) -> str:
        return self.key


class SegmentPin(models.Model):
    """An analyst's pin on a segment with a note on the marketing action planned for it; survives re-scoring by key."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="segment_pins")
    segment_key = models.CharField(_("segment"), max_length=64)
    note = models.TextField(_("marketing action"), blank=True)
    pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["segment_key"]
        verbose_name = _("segment pin")
        verbose_name_plural = _("segment pins")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "segment_key"], name="segment_pin_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.segment_key} ({self.municipality})"


class ShareLog(models.Model):
    """Every time shared segment aggregates leave a municipality: who took them, when, which segments, for whom."""

    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    shared_at = models.DateTimeField(_("shared"), auto_now_add=True)
    channel = models.CharField(_("channel"), max_length=16)  # page, api, csv
    recipient = models.CharField(_("for whom"), max_length=200)
    segments = models.JSONField(_("segments"), default=list)
    municipalities = models.ManyToManyField(
        Municipality, related_name="share_logs", verbose_name=_("data from")
    )

    class Meta:
        ordering = ["-shared_at"]
        verbose_name = _("share log entry")
        verbose_name_plural = _("share log")

    def __str__(self) -> str:
        return f"{self.shared_at:%Y-%m-%d %H:%M} {self.recipient}"


class ProspectStageSnapshot(models.Model):
    """A prospect's AIDA stage as one import saw it: the stage history that shows movement through the funnel.

    Written by the import in the same transaction as the prospects, one row per imported prospect. It holds no
    identifier of its own, only the prospect's internal id: the history stays inside the municipality like the
    prospect, and an erasure deletes it with the prospect (services). `month` (first day of `observed_on`'s month)
    is stored so the monthly counts group on an indexed column instead of a date function.
    """

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="stage_snapshots")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+", db_index=False)
    # No database constraint: the prospects' own deletes (erasure, retention) stay fast single-table deletes, and
    # the services delete the matching snapshots in the same transaction.
    prospect = models.ForeignKey(
        Prospect, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", db_index=False
    )
    stage = models.CharField(_("AIDA stage"), max_length=16, choices=AidaStage.choices)
    observed_on = models.DateField(_("observed on"))
    month = models.DateField(_("month"))

    class Meta:
        verbose_name = _("stage snapshot")
        verbose_name_plural = _("stage snapshots")
        indexes = [
            models.Index(fields=["municipality", "month", "stage"], name="snapshot_month_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.prospect_id} {self.stage} ({self.observed_on})"
