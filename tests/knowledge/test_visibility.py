"""The visibility matrix (INTERFACES.md) on pages, index listings, the page API and the feeds."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from knowledge.models import LessonPage
from tests.factories import user_with_role
from tests.knowledge.factories import make_lesson

pytestmark = pytest.mark.django_db

LEVELS = ("public", "partners", "internal")
# role -> the levels it sees
MATRIX = {
    "anonymous": {"public"},
    "partner": {"public", "partners"},
    "lead": {"public", "partners", "internal"},
    "coordinator": {"public", "partners", "internal"},
}


@pytest.fixture
def lessons(db: None) -> dict[str, LessonPage]:
    return {
        level: make_lesson(title=f"Lärdom {level}", slug=f"larddom-{level}", visibility=level)
        for level in LEVELS
    }


def _client_for(client: Client, role: str) -> Client:
    if role == "anonymous":
        return client
    user = user_with_role(role, "kiruna" if role == "lead" else None, username=f"u-{role}")
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", MATRIX)
@pytest.mark.parametrize("level", LEVELS)
def test_lesson_page_is_served_only_to_roles_that_see_its_level(
    client: Client, lessons: dict[str, LessonPage], role: str, level: str
) -> None:
    response = _client_for(client, role).get(lessons[level].url)
    assert response.status_code == (200 if level in MATRIX[role] else 404)


@pytest.mark.parametrize("role", MATRIX)
def test_the_index_lists_and_counts_only_visible_lessons(
    client: Client, lessons: dict[str, LessonPage], role: str
) -> None:
    html = _client_for(client, role).get("/en/kunskap/").content.decode()
    for level in LEVELS:
        assert (f"Lärdom {level}" in html) == (level in MATRIX[role])
    count = len(MATRIX[role])
    assert f">{count} page{'s' if count > 1 else ''}<" in html


@pytest.mark.parametrize("role", MATRIX)
def test_the_page_api_lists_public_pages_only_whoever_asks(
    client: Client, lessons: dict[str, LessonPage], role: str
) -> None:
    body = _client_for(client, role).get("/api/v2/pages/?type=knowledge.LessonPage&fields=visibility").json()
    assert [item["title"] for item in body["items"]] == ["Lärdom public"]
    assert body["meta"]["total_count"] == 1


def test_the_page_api_detail_of_an_internal_lesson_is_not_found(
    client: Client, lessons: dict[str, LessonPage]
) -> None:
    assert client.get(f"/api/v2/pages/{lessons['internal'].pk}/").status_code == 404
    assert client.get(f"/api/v2/pages/{lessons['public'].pk}/").status_code == 200


@pytest.mark.parametrize("role", MATRIX)
@pytest.mark.parametrize("feed", ["/kunskap/flode/rss/", "/kunskap/flode/atom/"])
def test_feeds_carry_only_lessons_the_session_may_see(
    client: Client, lessons: dict[str, LessonPage], role: str, feed: str
) -> None:
    response = _client_for(client, role).get(feed)
    assert response.status_code == 200
    xml = response.content.decode()
    for level in LEVELS:
        assert (f"Lärdom {level}" in xml) == (level in MATRIX[role])


def test_drafts_are_never_listed_nor_served(client: Client, coordinator: User) -> None:
    draft = make_lesson(title="Ett utkast", live=False, visibility="public")
    client.force_login(coordinator)
    assert "Ett utkast" not in client.get("/kunskap/").content.decode()
    assert client.get("/kunskap/flode/rss/").content.decode().count("Ett utkast") == 0
    assert client.get(f"/kunskap/{draft.slug}/").status_code == 404
