"""The page cache (portal/pagecache.py): public knowledge pages reach anonymous readers from the cache, nothing else does,
and a change to the content empties it once the change commits."""

from collections.abc import Iterator

import pytest
from django.core.cache import caches
from django.test import Client
from pytest_django import DjangoAssertNumQueries, DjangoCaptureOnCommitCallbacks
from pytest_django.fixtures import Settings

from knowledge.models import LessonPage
from tests.factories import user_with_role
from tests.knowledge.factories import make_lesson

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings: Settings) -> Iterator[None]:
    settings.PAGE_CACHE_SECONDS = 300
    settings.CACHE_MIDDLEWARE_SECONDS = 300
    caches["pages"].clear()
    yield
    caches["pages"].clear()


@pytest.fixture
def public_lesson(db: None) -> LessonPage:
    return make_lesson(title="Värdar i byn lockade sommarbesökare", slug="vardar-i-byn", visibility="public")


def test_a_public_lesson_is_served_to_anonymous_readers_from_the_cache(
    client: Client, public_lesson: LessonPage, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    first = client.get(public_lesson.url)
    assert first.status_code == 200
    assert "public" in first["Cache-Control"]
    assert "max-age=300" in first["Cache-Control"]
    with django_assert_num_queries(0):
        second = client.get(public_lesson.url)
    assert second.status_code == 200
    assert second.content == first.content


def test_the_knowledge_index_is_cached_for_anonymous_readers(
    client: Client, public_lesson: LessonPage, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    assert client.get("/kunskap/").status_code == 200
    with django_assert_num_queries(0):
        assert "Värdar i byn" in client.get("/kunskap/").content.decode()


def test_publishing_a_change_empties_the_cache_after_the_commit(
    client: Client,
    public_lesson: LessonPage,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    assert "Värdar i byn" in client.get(public_lesson.url).content.decode()
    public_lesson.title = "Lokala värdar gav fler återbesök"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        public_lesson.save_revision().publish()
    assert callbacks, "the clear waits for the commit"
    html = client.get(public_lesson.url).content.decode()
    assert "Lokala värdar gav fler återbesök" in html


def test_a_change_that_is_not_committed_keeps_the_cache(
    client: Client,
    public_lesson: LessonPage,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    client.get(public_lesson.url)
    with django_capture_on_commit_callbacks(execute=False):
        public_lesson.title = "Ändrad men aldrig sparad"
        public_lesson.save_revision()
    assert len(caches["pages"]._cache) > 0  # type: ignore[attr-defined]


@pytest.mark.parametrize("level", ["partners", "internal"])
def test_pages_that_not_everyone_may_see_are_never_stored(
    client: Client, level: str, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    lesson = make_lesson(title=f"Lärdom {level}", slug=f"lardom-{level}", visibility=level)
    coordinator = user_with_role("coordinator", None, username="u-coordinator")
    client.force_login(coordinator)
    response = client.get(lesson.url)
    assert response.status_code == 200
    assert "public" not in response.get("Cache-Control", "")
    client.logout()
    assert client.get(lesson.url).status_code == 404
    assert not caches["pages"]._cache  # type: ignore[attr-defined]


def test_signed_in_readers_always_get_a_page_rendered_for_them(
    client: Client, public_lesson: LessonPage
) -> None:
    client.get(public_lesson.url)  # an anonymous reader fills the cache
    partner = user_with_role("partner", None, username="u-partner")
    client.force_login(partner)
    response = client.get(public_lesson.url)
    assert "public" not in response.get("Cache-Control", "")
    assert "u-partner" in response.content.decode()  # the header names who is signed in


def test_other_pages_are_not_cached(client: Client) -> None:
    first = client.get("/sprints/")
    assert first.status_code == 200
    assert "public" not in first.get("Cache-Control", "")
    assert not caches["pages"]._cache  # type: ignore[attr-defined]


def test_the_page_cache_is_off_by_default_outside_production(
    settings: Settings, client: Client, public_lesson: LessonPage
) -> None:
    settings.PAGE_CACHE_SECONDS = 0
    response = client.get(public_lesson.url)
    assert "public" not in response.get("Cache-Control", "")
    assert not caches["pages"]._cache  # type: ignore[attr-defined]
