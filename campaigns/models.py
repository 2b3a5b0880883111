"""Campaign sprints on segments: which of a municipality's segments an A/B campaign sprint targets, and the counts
of each variant (reached, responses) logged against each segment."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The variants a campaign compares; the first is the reference the others are measured against.
VARIANTS = ("A", "B", "C", "D")


class CampaignTarget(models.Model):
    """A segment a campaign sprint targets. Held by the segment's key, not a foreign key: every scoring run rebuilds a
    municipality's segments, and the key (country:life stage:interest) is what survives it (as for SegmentPin)."""

    sprint = models.ForeignKey(
        "sprints.Sprint", on_delete=models.CASCADE, related_name="campaign_targets", verbose_name=_("sprint")
    )
    segment_key = models.CharField(_("segment"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["segment_key", "pk"]
        verbose_name = _("campaign target")
        verbose_name_plural = _("campaign targets")
        constraints = [
            models.UniqueConstraint(fields=["sprint", "segment_key"], name="campaign_target_unique_segment"),
        ]
        indexes = [models.Index(fields=["segment_key"], name="campaign_target_segment_idx")]

    def __str__(self) -> str:
        return f"{self.sprint_id}: {self.segment_key}"


class VariantOutcome(models.Model):
    """One variant's result in one targeted segment: how many it reached and how many of them responded."""

    target = models.ForeignKey(
        CampaignTarget, on_delete=models.CASCADE, related_name="outcomes", verbose_name=_("campaign target")
    )
    variant = models.CharField(_("variant"), max_length=1, choices=[(v, v) for v in VARIANTS])
    reached = models.PositiveIntegerField(_("reached"))
    responses = models.PositiveIntegerField(_("responses"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["variant"]
        verbose_name = _("variant outcome")
        verbose_name_plural = _("variant outcomes")
        constraints = [
            models.UniqueConstraint(fields=["target", "variant"], name="variant_outcome_unique_variant"),
            models.CheckConstraint(
                condition=models.Q(responses__lte=models.F("reached")),
                name="variant_outcome_responses_le_reached",
            ),
            models.CheckConstraint(
                condition=models.Q(reached__gte=1), name="variant_outcome_reached_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant}: {self.responses}/{self.reached}"

    @property
    def rate(self) -> float:
        return self.responses / self.reached
