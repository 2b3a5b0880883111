"""Demo campaigns for `seed_demo`, read from demo/campaigns.yaml (synthetic demo data): a campaign-ab demo sprint
targets a scored demo segment and its variant counts are logged, through the campaigns services as the lead."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.text import slugify

from sprints.models import Sprint
from themes.demodata import DemoDataError, demo_path, entry, read_yaml

from .models import CampaignTarget
from .selectors import segment_keys_of
from .services import VariantCounts, campaign_outcomes_log, campaign_targets_set


@dataclass(frozen=True)
class DemoVariant:
    variant: str
    reached: int
    responses: int


@dataclass(frozen=True)
class DemoCampaign:
    municipality: str
    sprint: str
    segment: str
    variants: tuple[DemoVariant, ...]


def demo_campaigns() -> list[DemoCampaign]:
    where = str(demo_path("campaigns.yaml"))
    return [
        entry(DemoCampaign, value, where=f"{where}, campaign {number}")
        for number, value in enumerate(read_yaml("campaigns.yaml") or [], start=1)
    ]


def seed(*, stdout: Any) -> None:
    """Idempotent: a campaign that already targets its demo segment is left as it is (run after sprints and insights)."""
    User = get_user_model()
    for number, spec in enumerate(demo_campaigns(), start=1):
        where = f"{demo_path('campaigns.yaml')}, campaign {number}"
        sprint = (
            Sprint.objects.select_related("municipality", "method")
            .filter(municipality__slug=spec.municipality, slug=slugify(spec.sprint))
            .first()
        )
        lead = User.objects.filter(username=f"lead-{spec.municipality}").first()
        if sprint is None or lead is None:
            raise DemoDataError(
                f"{where}: no demo sprint {spec.sprint!r} or no user lead-{spec.municipality}"
            )
        if CampaignTarget.objects.filter(sprint=sprint, segment_key=spec.segment).exists():
            continue
        if spec.segment not in segment_keys_of(sprint.municipality):
            raise DemoDataError(f"{where}: {sprint.municipality.name} has no demo segment {spec.segment!r}")
        current = list(CampaignTarget.objects.filter(sprint=sprint).values_list("segment_key", flat=True))
        # The demo sprint is closed (archived sprints refuse changes, closed ones do not).
        campaign_targets_set(actor=lead, sprint=sprint, segment_keys=[*current, spec.segment])
        campaign_outcomes_log(
            actor=lead,
            sprint=sprint,
            segment_key=spec.segment,
            outcomes={
                v.variant: VariantCounts(reached=v.reached, responses=v.responses) for v in spec.variants
            },
        )
        stdout.write(f"Demo campaign: {sprint.title} on {spec.segment} ({len(spec.variants)} variants).")
