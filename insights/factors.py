"""Plain-words descriptions of AIDA rules and of the factors behind scores, in the reader's language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .presentation import enum_label
from .scoring.aida import AIDA_RULES, Condition

STAGE_LABELS = {
    "attention": gettext_lazy("Attention"),
    "interest": gettext_lazy("Interest"),
    "desire": gettext_lazy("Desire"),
    "action": gettext_lazy("Action"),
}
LIFE_STAGE_LABELS = {
    "young_adult": gettext_lazy("young adults (18–34)"),
    "established": gettext_lazy("established adults (35–54)"),
    "family": gettext_lazy("families"),
    "senior": gettext_lazy("seniors (55+)"),
}
INTEREST_LABELS = {
    "northern_lights": gettext_lazy("northern lights"),
    "skiing": gettext_lazy("skiing"),
    "hiking": gettext_lazy("hiking"),
    "fishing": gettext_lazy("fishing"),
    "dog_sledding": gettext_lazy("dog sledding"),
    "sami_culture": gettext_lazy("Sámi culture"),
    "wilderness": gettext_lazy("wilderness"),
    "city_life": gettext_lazy("city life"),
    "none": gettext_lazy("no stated interest"),
}
FIELD_LABELS = {
    "visits": gettext_lazy("visits to Swedish Lapland"),
    "newsletter_opens": gettext_lazy("newsletters opened"),
    "site_visits": gettext_lazy("visits to the website"),
    "guide_download": gettext_lazy("downloaded the move-here guide"),
    "webinar": gettext_lazy("attended a move-here webinar"),
    "job_clicks": gettext_lazy("clicks on job ads"),
}
# What a factor means for a whole segment (its average push on the score).
SEGMENT_FACTOR_LABELS = {
    "visits": gettext_lazy("how often they have visited"),
    "newsletter_opens": gettext_lazy("newsletter reading"),
    "site_visits": gettext_lazy("website visits"),
    "job_clicks": gettext_lazy("clicks on job ads"),
    "spend_sek": gettext_lazy("spending on visits"),
    "last_visit": gettext_lazy("how recently they visited"),
    "guide_download": gettext_lazy("downloads of the move-here guide"),
    "webinar": gettext_lazy("move-here webinar attendance"),
    "age_band": gettext_lazy("age"),
    "household": gettext_lazy("household"),
    "season": gettext_lazy("season of their visits"),
    "remote_work": gettext_lazy("ability to work remotely"),
    "profession": gettext_lazy("profession"),
    "country": gettext_lazy("home country"),
}


def describe_condition(condition: Condition) -> str:
    label = FIELD_LABELS.get(condition.field, condition.field)
    if isinstance(condition.value, bool):
        return str(label) if condition.value else _("has not: %(what)s") % {"what": label}
    return _("at least %(n)s %(what)s") % {"n": condition.value, "what": label}


def aida_rules_in_words() -> list[dict[str, Any]]:
    """The AIDA rules as sentences, deepest stage first, exactly as the code applies them."""
    rules = []
    for rule in AIDA_RULES:
        if rule.any_of:
            text = _("when any of these holds: %(conditions)s") % {
                "conditions": "; ".join(describe_condition(c) for c in rule.any_of)
            }
        else:
            text = _("everyone else in the visitor database (they know of us)")
        rules.append({"stage": rule.stage, "label": STAGE_LABELS[rule.stage], "text": text})
    return rules


def segment_label(key: str) -> str:
    country, _sep, rest = key.partition(":")
    life_stage, _sep, interest = rest.partition(":")
    where = _("other countries") if country == "other" else country
    return _("%(life_stage)s from %(country)s, %(interest)s") % {
        "life_stage": LIFE_STAGE_LABELS.get(life_stage, life_stage),
        "country": where,
        "interest": INTEREST_LABELS.get(interest, interest.replace("_", " ")),
    }


def _interest_factor(factor: str) -> str | None:
    if factor.startswith("interest_"):
        return str(INTEREST_LABELS.get(factor.removeprefix("interest_"), factor))
    return None


def describe_segment_factor(factor: str, contribution: float) -> str:
    interest = _interest_factor(factor)
    what = (
        _("interest in %(interest)s") % {"interest": interest}
        if interest
        else SEGMENT_FACTOR_LABELS.get(factor, factor)
    )
    if contribution >= 0:
        return _("%(what)s raises the score") % {"what": what}
    return _("%(what)s lowers the score") % {"what": what}


def describe_prospect_factor(factor: str, value: Any) -> str:
    """One factor of one prospect in plain words, using the prospect's own value."""
    interest = _interest_factor(factor)
    if interest:
        if value:
            return _("interested in %(interest)s") % {"interest": interest}
        return _("no stated interest in %(interest)s") % {"interest": interest}
    if factor == "visits":
        return ngettext("visited once", "visited %(n)d times", value) % {"n": value}
    if factor == "newsletter_opens":
        return ngettext("opened %(n)d newsletter", "opened %(n)d newsletters", value) % {"n": value}
    if factor == "site_visits":
        return ngettext("%(n)d visit to the website", "%(n)d visits to the website", value) % {"n": value}
    if factor == "job_clicks":
        return ngettext("clicked %(n)d job ad", "clicked %(n)d job ads", value) % {"n": value}
    if factor == "guide_download":
        return _("downloaded the move-here guide") if value else _("has not downloaded the move-here guide")
    if factor == "webinar":
        return _("attended a move-here webinar") if value else _("has not attended a webinar")
    if factor == "spend_sek":
        return _("spent SEK %(sek)s on visits") % {"sek": f"{value or 0:,.0f}".replace(",", " ")}
    if factor == "last_visit":
        return _("last visit %(date)s") % {"date": value} if value else _("no recorded visit date")
    if factor == "remote_work":
        return {"yes": _("can work remotely"), "no": _("cannot work remotely")}.get(
            value, _("remote work unknown")
        )
    if factor == "season":
        return {
            "winter": _("visits in winter"),
            "summer": _("visits in summer"),
            "both": _("visits all year"),
        }.get(value, _("season unknown"))
    if factor == "household":
        return {
            "single": _("travels alone"),
            "couple": _("travels as a couple"),
            "family": _("travels as a family"),
        }.get(value, str(value))
    if factor == "age_band":
        return _("aged %(band)s") % {"band": value}
    if factor == "country":
        return _("lives in %(country)s") % {"country": value}
    if factor == "profession":
        return _("works in %(profession)s") % {
            "profession": enum_label("profession", value) if value else _("an unstated field")
        }
    return str(factor)


def prospect_factor_value(prospect: Any, factor: str) -> Any:
    if factor.startswith("interest_"):
        return factor.removeprefix("interest_") in (prospect.interests or "").split("|")
    return getattr(prospect, factor, None)
