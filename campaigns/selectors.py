"""Reads of campaigns: a campaign sprint's targets with their effects, the campaigns run on each segment, and the
segments a campaign may target. Sprints and insights are read through their own selectors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from insights import selectors as insights_selectors
from insights.factors import segment_label
from sprints import selectors as sprints_selectors
from sprints.models import Sprint
from themes.models import Municipality

from .effect import Effect, describe_effect, two_proportion_difference
from .models import CampaignTarget, VariantOutcome

CAMPAIGN_METHOD = "campaign-ab"
# The segments offered as targets: as on the segments page, groups this small are not worth a campaign of their own
# (a segment already targeted stays offered whatever its size).
TARGET_MIN_SIZE = 10


@dataclass(frozen=True)
class Comparison:
    variant: VariantOutcome
    reference: VariantOutcome
    effect: Effect
    sentence: str


@dataclass
class TargetSummary:
    target: CampaignTarget
    label: str
    outcomes: list[VariantOutcome]
    comparisons: list[Comparison] = field(default_factory=list)


def is_campaign(sprint: Sprint) -> bool:
    return bool(sprint.method.code == CAMPAIGN_METHOD)


def _targets() -> QuerySet[CampaignTarget]:
    return CampaignTarget.objects.prefetch_related(
        Prefetch("outcomes", queryset=VariantOutcome.objects.order_by("variant"))
    )


def summarise(target: CampaignTarget) -> TargetSummary:
    """A target with each later variant compared with the first (A), in the active language."""
    outcomes = list(target.outcomes.all())
    summary = TargetSummary(target=target, label=segment_label(target.segment_key), outcomes=outcomes)
    if outcomes:
        reference = outcomes[0]
        for outcome in outcomes[1:]:
            effect = two_proportion_difference(
                reached_reference=reference.reached,
                responses_reference=reference.responses,
                reached_variant=outcome.reached,
                responses_variant=outcome.responses,
            )
            summary.comparisons.append(
                Comparison(
                    variant=outcome,
                    reference=reference,
                    effect=effect,
                    sentence=describe_effect(effect, variant=outcome.variant, reference=reference.variant),
                )
            )
    return summary


def targets_of(sprint: Sprint) -> list[TargetSummary]:
    """The segments a campaign sprint targets, each with its variant counts and effects (two queries)."""
    return [summarise(target) for target in _targets().filter(sprint=sprint)]


@dataclass(frozen=True)
class CampaignOnSegment:
    sprint: Sprint
    summary: TargetSummary


def campaigns_by_segment(*, municipality: Municipality, user: Any) -> dict[str, list[CampaignOnSegment]]:
    """Every campaign run on the municipality's segments that `user` may see, by segment key, newest sprint first
    (three queries for the whole page, whatever the number of segments)."""
    sprints = sprints_selectors.visible_sprints(user).filter(municipality=municipality)
    targets = (
        _targets()
        .filter(sprint__in=sprints)
        .select_related("sprint", "sprint__municipality", "sprint__method")
        .order_by("-sprint__start", "sprint_id")
    )
    found: dict[str, list[CampaignOnSegment]] = {}
    for target in targets:
        found.setdefault(target.segment_key, []).append(
            CampaignOnSegment(sprint=target.sprint, summary=summarise(target))
        )
    return found


def target_choices(sprint: Sprint) -> list[tuple[str, str]]:
    """(key, label) of the segments the sprint may target: its own municipality's, the ones already targeted first."""
    chosen = set(CampaignTarget.objects.filter(sprint=sprint).values_list("segment_key", flat=True))
    choices = []
    for segment in insights_selectors.segments_of(sprint.municipality):
        if segment.key in chosen or segment.size >= TARGET_MIN_SIZE:
            label = _("%(segment)s (%(n)s prospects)") % {
                "segment": segment_label(segment.key),
                "n": segment.size,
            }
            choices.append((segment.key, label))
    choices.sort(key=lambda choice: choice[0] not in chosen)
    return choices


def segment_keys_of(municipality: Municipality) -> set[str]:
    return set(insights_selectors.segments_of(municipality).values_list("key", flat=True))
