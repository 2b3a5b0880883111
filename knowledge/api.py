"""Wagtail's page API restricted to public knowledge: non-public knowledge pages do not exist for it, whoever asks."""

from __future__ import annotations

from django.db.models import QuerySet
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.models import Page

from themes.models import Visibility

from .models import KnowledgePage


class PublicPagesAPIViewSet(PagesAPIViewSet):
    """The API is for outside scripts without a session (INTERFACES.md: "published public pages")."""

    def get_base_queryset(self) -> QuerySet[Page]:
        queryset: QuerySet[Page] = super().get_base_queryset()
        hidden = KnowledgePage.objects.exclude(visibility=Visibility.PUBLIC).values("pk")
        return queryset.exclude(pk__in=hidden)
