"""Template tags that draw campaigns into the pages of the apps below: the campaign panel on a campaign sprint's page
(sprints) and the campaigns run on a segment on the segments page (insights). Those apps load this library in their
templates and import nothing from campaigns (ADR 0032)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.formats import number_format

from themes.permissions import can_run_campaign, can_see_campaign_segments

from .. import selectors
from ..forms import OutcomesForm, TargetsForm

register = template.Library()


@register.filter
def as_count(value: int) -> str:
    """2400 as "2 400" (sv) or "2,400" (en)."""
    return number_format(value, force_grouping=True)


@register.filter
def as_percent(proportion: float) -> str:
    """0.0425 as "4,3 %" (sv) or "4.3 %" (en)."""
    return f"{number_format(round(100 * proportion, 1), decimal_pos=1)}\u00a0%"


@register.inclusion_tag("campaigns/includes/sprint_campaign.html", takes_context=True)
def sprint_campaign(context: template.Context, sprint: Any) -> dict[str, Any]:
    """On a campaign-ab sprint's page, for its municipality's leads and analysts: the target segments, the variant
    counts with their effects, and for the leads the forms to change them. Anyone else sees nothing of it."""
    request = context["request"]
    user = request.user
    if not selectors.is_campaign(sprint) or not can_see_campaign_segments(
        user, municipality=sprint.municipality
    ):
        return {"show": False}
    targets = selectors.targets_of(sprint)
    may_edit = can_run_campaign(user, municipality=sprint.municipality) and not sprint.is_archived
    result: dict[str, Any] = {
        "show": True,
        "sprint": sprint,
        "targets": targets,
        "may_edit": may_edit,
        "csrf_token": context.get("csrf_token"),
    }
    if may_edit:
        choices = selectors.target_choices(sprint)
        result["targets_form"] = TargetsForm(
            initial={"segments": [t.target.segment_key for t in targets]}, choices=choices
        )
        result["targets_url"] = reverse("campaigns:targets", args=(sprint.municipality.slug, sprint.pk))
        result["outcomes_form"] = OutcomesForm(
            choices=[(t.target.segment_key, t.label) for t in targets], auto_id="id_outcome_%s"
        )
        result["outcomes_url"] = reverse("campaigns:outcomes", args=(sprint.municipality.slug, sprint.pk))
    return result


@register.inclusion_tag("campaigns/includes/segment_campaigns.html", takes_context=True)
def segment_campaigns(context: template.Context, segment: Any, municipality: Any) -> dict[str, Any]:
    """Under a segment on the segments page: the campaigns run on it with their effect in words and numbers. The
    page has checked that the reader is one of the municipality's analysts; the campaigns of the whole page are read
    once, at the first segment, and kept for the others in the render context."""
    request = context["request"]
    cache_key = f"campaigns_by_segment:{municipality.pk}"
    found = context.render_context.get(cache_key)
    if found is None:
        if can_see_campaign_segments(request.user, municipality=municipality):
            found = selectors.campaigns_by_segment(municipality=municipality, user=request.user)
        else:
            found = {}
        context.render_context[cache_key] = found
    return {"campaigns": found.get(segment.key, []), "segment": segment}
