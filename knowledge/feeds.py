"""RSS and Atom feeds of published lessons, each showing only what the requesting session may see."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from .models import LessonPage
from .selectors import visible_lessons

FEED_SIZE = 50


class LessonFeed(Feed[LessonPage, Any]):
    """Feed readers have no session, so in practice they get public lessons; a logged-in browser gets its own level."""

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.request = request
        response = super().__call__(request, *args, **kwargs)
        response["Vary"] = "Cookie"
        return response

    def title(self) -> str:
        return _("Stigar – new lessons")

    def description(self) -> str:
        return _("Lessons from the municipalities' sprints, reviewed by the coordinating team.")

    def link(self) -> str:
        return reverse("knowledge:index")

    def items(self) -> list[LessonPage]:
        return list(visible_lessons(user=self.request.user).order_by("-first_published_at")[:FEED_SIZE])

    def item_title(self, item: LessonPage) -> str:
        return cast("str", item.title)

    def item_description(self, item: LessonPage) -> str:
        return strip_tags(item.summary)

    def item_link(self, item: LessonPage) -> str:
        return item.get_url(request=self.request) or ""

    def item_pubdate(self, item: LessonPage) -> datetime.datetime | None:
        return cast("datetime.datetime | None", item.first_published_at)

    def item_updateddate(self, item: LessonPage) -> datetime.datetime | None:
        return cast("datetime.datetime | None", item.last_published_at)

    def item_categories(self, item: LessonPage) -> list[str]:
        return [tag.name for tag in item.tags.all()]


class LessonAtomFeed(LessonFeed):
    feed_type = Atom1Feed

    def subtitle(self) -> str:
        return self.description()
