"""Fixtures of the conversations tests: a Luleå lesson and a Kiruna sprint, made as their apps make them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from wagtail.users.models import UserProfile

from knowledge.models import LessonPage
from sprints.models import Sprint
from tests.knowledge.factories import make_lesson
from tests.sprints.conftest import make_sprint
from themes.models import Municipality


def speaks(person: User, language: str) -> User:
    profile = UserProfile.get_for_user(person)
    profile.preferred_language = language
    profile.save()
    return person


@pytest.fixture
def lulea_lesson(lulea: Municipality) -> LessonPage:
    return make_lesson(title="Hyresgaranti i Luleå (syntetisk)", visibility="internal", municipality=lulea)


@pytest.fixture
def kiruna_sprint(lead_kiruna: User, kiruna: Municipality) -> Sprint:
    return make_sprint(lead_kiruna, kiruna, title="Testvecka i Kiruna (syntetisk)")


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """The bell's count and the watched set are cached per person id; ids come again after a rolled-back test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
