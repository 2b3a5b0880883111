"""Fixtures of the conversations tests: a Luleå lesson and a Kiruna sprint, made as their apps make them."""

from __future__ import annotations

import pytest
from wagtail.users.models import UserProfile

from tests.knowledge.factories import make_lesson
from tests.sprints.conftest import make_sprint


def speaks(person, language: str):
    profile = UserProfile.get_for_user(person)
    profile.preferred_language = language
    profile.save()
    return person


@pytest.fixture
def lulea_lesson(lulea):
    return make_lesson(title="Hyresgaranti i Luleå (syntetisk)", visibility="internal", municipality=lulea)


@pytest.fixture
def kiruna_sprint(lead_kiruna, kiruna):
    return make_sprint(lead_kiruna, kiruna, title="Testvecka i Kiruna (syntetisk)")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The bell's count and the watched set are cached per person id; ids come again after a rolled-back test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
