"""The search glossary the coordinating team maintains, and the query log behind the search analytics."""

from __future__ import annotations

import re

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

_SEPARATORS = re.compile(r"[\n,;]+")


def _names(text: str) -> list[str]:
    return [name.strip() for name in _SEPARATORS.split(text) if name.strip()]


class GlossaryEntry(models.Model):
    """One concept: the Swedish words and phrases for it and its English equivalents, all searched as one.

    A query with any of the names also finds pages with the others, so an English query finds Swedish pages
    ("preschool place" -> förskoleplats) and a synonym finds the programme's own word (inflyttarlots -> välkomstlots).
    """

    swedish = models.TextField(
        _("Swedish words and phrases"),
        help_text=_("One per line or separated by commas; synonyms of each other."),
    )
    english = models.TextField(
        _("English equivalents"), blank=True, help_text=_("One per line or separated by commas.")
    )
    source = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("Where the entry comes from, e.g. the taxonomy, a term bank or the coordinating team."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    panels = [FieldPanel("swedish"), FieldPanel("english"), FieldPanel("source")]

    class Meta:
        verbose_name = _("glossary entry")
        verbose_name_plural = _("glossary")
        ordering = ["swedish"]

    def __str__(self) -> str:
        return ", ".join(self.names()[:4])

    def swedish_names(self) -> list[str]:
        return _names(self.swedish)

    def english_names(self) -> list[str]:
        return _names(self.english)

    def names(self) -> list[str]:
        return [*self.swedish_names(), *self.english_names()]


class SearchQueryDay(models.Model):
    """How often a query was searched on one day, and how many hits it had: no user, no session, no IP address."""

    day = models.DateField()
    query = models.CharField(max_length=200)
    searches = models.PositiveIntegerField(default=0)
    hits = models.PositiveIntegerField(default=0, help_text="Hits of the latest search of the day.")

    class Meta:
        verbose_name = _("search query")
        verbose_name_plural = _("search queries")
        constraints = [models.UniqueConstraint(fields=["day", "query"], name="sitesearch_query_once_a_day")]
        indexes = [models.Index(fields=["query"])]

    def __str__(self) -> str:
        return f"{self.day} {self.query}"
