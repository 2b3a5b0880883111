"""Writes of campaigns: the segments a campaign sprint targets and the variant counts logged against them. Each is one
transaction and checks `themes.permissions.require_run_campaign` first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sprints.models import Sprint
from themes.permissions import require_run_campaign

from .models import VARIANTS, CampaignTarget, VariantOutcome
from .selectors import CAMPAIGN_METHOD, segment_keys_of

Actor = AbstractBaseUser | AnonymousUser | None


@dataclass(frozen=True)
class VariantCounts:
    reached: int
    responses: int


def _user(actor: Actor) -> Any:
    return actor if actor is not None and actor.is_authenticated else None


def _check_sprint(actor: Actor, sprint: Sprint, *, skip_permission_checks: bool) -> None:
    if not skip_permission_checks:
        require_run_campaign(actor, municipality=sprint.municipality)
    if sprint.method.code != CAMPAIGN_METHOD:
        raise ValidationError(
            _("Only a sprint with the method “%(method)s” can target segments.")
            % {"method": _("Campaign A/B test")}
        )
    if sprint.archived_at is not None:
        raise ValidationError(_("This sprint is archived. Restore it before you change it."))


@transaction.atomic
def campaign_targets_set(
    *, actor: Actor, sprint: Sprint, segment_keys: Sequence[str], skip_permission_checks: bool = False
) -> list[CampaignTarget]:
    """Make the sprint target exactly these segments of its own municipality. A target with logged counts cannot
    be dropped (its results would vanish from the segment page): the counts say what was run."""
    _check_sprint(actor, sprint, skip_permission_checks=skip_permission_checks)
    wanted = list(dict.fromkeys(segment_keys))
    unknown = sorted(set(wanted) - segment_keys_of(sprint.municipality))
    if unknown:
        raise ValidationError(
            {
                "segments": _("%(keys)s: no such segment in %(municipality)s.")
                % {"keys": ", ".join(unknown), "municipality": sprint.municipality.name}
            }
        )
    existing = {target.segment_key: target for target in CampaignTarget.objects.filter(sprint=sprint)}
    dropped = [target for key, target in existing.items() if key not in wanted]
    with_results = sorted(t.segment_key for t in dropped if t.outcomes.exists())
    if with_results:
        raise ValidationError(
            {
                "segments": _(
                    "%(keys)s already has logged variant counts and stays a target of this campaign."
                )
                % {"keys": ", ".join(with_results)}
            }
        )
    CampaignTarget.objects.filter(pk__in=[t.pk for t in dropped]).delete()
    CampaignTarget.objects.bulk_create(
        [
            CampaignTarget(sprint=sprint, segment_key=key, created_by=_user(actor))
            for key in wanted
            if key not in existing
        ]
    )
    return list(CampaignTarget.objects.filter(sprint=sprint))


@transaction.atomic
def campaign_outcomes_log(
    *,
    actor: Actor,
    sprint: Sprint,
    segment_key: str,
    outcomes: Mapping[str, VariantCounts],
    skip_permission_checks: bool = False,
) -> CampaignTarget:
    """Log (or correct) the counts of one or more variants in one targeted segment; a variant logged again is
    replaced, so the latest count of each variant is the one that counts."""
    _check_sprint(actor, sprint, skip_permission_checks=skip_permission_checks)
    target = CampaignTarget.objects.select_for_update().filter(sprint=sprint, segment_key=segment_key).first()
    if target is None:
        raise ValidationError(
            {"segment": _("This campaign does not target the segment %(key)s.") % {"key": segment_key}}
        )
    if not outcomes:
        raise ValidationError(_("Give the counts of at least one variant."))
    errors: dict[str, list[str]] = {}
    for variant, counts in outcomes.items():
        if variant not in VARIANTS:
            errors.setdefault("variant", []).append(
                _("%(variant)s is not a variant: use %(variants)s.")
                % {"variant": variant, "variants": ", ".join(VARIANTS)}
            )
            continue
        if counts.reached < 1:
            errors.setdefault(f"reached_{variant}", []).append(
                _("Variant %(variant)s: reached must be at least 1.") % {"variant": variant}
            )
        if counts.responses < 0:
            errors.setdefault(f"responses_{variant}", []).append(
                _("Variant %(variant)s: responses cannot be negative.") % {"variant": variant}
            )
        elif counts.responses > counts.reached:
            errors.setdefault(f"responses_{variant}", []).append(
                _("Variant %(variant)s: %(responses)s responses is more than the %(reached)s reached.")
                % {"variant": variant, "responses": counts.responses, "reached": counts.reached}
            )
    if errors:
        raise ValidationError(errors)
    for variant, counts in outcomes.items():
        VariantOutcome.objects.update_or_create(
            target=target,
            variant=variant,
            defaults={"reached": counts.reached, "responses": counts.responses, "recorded_by": _user(actor)},
        )
    return target
