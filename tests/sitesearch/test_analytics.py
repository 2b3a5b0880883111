"""Search analytics for the coordinating team: the admin reports over the anonymous query log, its retention, and
promoted results first on the search page and in the API."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from pytest_django.fixtures import Settings
from wagtail.contrib.search_promotions.models import Query, SearchPromotion

from knowledge.models import KnowledgePage
from sitesearch import selectors
from sitesearch.models import SearchQueryDay
from sitesearch.services import search_query_log, search_query_log_expire
from tests.factories import user_with_role
from tests.knowledge.factories import make_lesson, make_method_card
from themes.models import Municipality

pytestmark = pytest.mark.django_db

TOP = reverse("sitesearch_reports:top_queries")
ZERO = reverse("sitesearch_reports:zero_results")


@pytest.fixture
def log() -> None:
    today = timezone.localdate()
    for _ in range(3):
        search_query_log(query="Förskoleplats", hits=4)
    search_query_log(query="xylofon", hits=0)
    SearchQueryDay.objects.create(day=today - datetime.timedelta(days=1), query="xylofon", searches=2, hits=0)
    SearchQueryDay.objects.create(
        day=today - datetime.timedelta(days=400), query="gammal fråga", searches=9, hits=0
    )


def test_rows_sum_each_query_over_its_days(log: None) -> None:
    rows = {row["query"]: row for row in selectors.query_log_rows()}
    assert rows["förskoleplats"]["total_searches"] == 3
    assert rows["förskoleplats"]["days"] == 1
    assert rows["xylofon"]["total_searches"] == 3
    assert rows["xylofon"]["days"] == 2
    zero = {row["query"] for row in selectors.query_log_rows(zero_hits_only=True)}
    assert zero == {"xylofon", "gammal fråga"}


def test_the_coordinating_team_reads_both_reports(client: Client, log: None) -> None:
    client.force_login(user_with_role("coordinator", username="coord"))
    top = client.get(TOP)
    assert top.status_code == 200
    body = top.content.decode()
    assert body.index("förskoleplats") < body.index("xylofon")
    assert "gammal fråga" not in body  # older than SEARCH_LOG_RETENTION_DAYS
    with translation.override("sv"):
        assert date_format(timezone.localdate()) in body  # the day last searched ...
    assert "sedan" not in body  # ... not "1 timme sedan" of its midnight
    zero = client.get(ZERO).content.decode()
    assert "xylofon" in zero
    assert "förskoleplats" not in zero
    export = client.get(ZERO, {"export": "csv"})
    assert export.status_code == 200
    assert "xylofon" in export.getvalue().decode()


@pytest.mark.parametrize("role", ["lead", "analyst", "partner"])
def test_nobody_else_reads_them(client: Client, log: None, role: str) -> None:
    user = user_with_role(role, municipality="kiruna" if role != "partner" else None, username=f"u-{role}")
    client.force_login(user)
    for url in (TOP, ZERO):
        response = client.get(url)
        assert response.status_code in {302, 403}
        assert "xylofon" not in response.content.decode()


def test_the_reports_are_in_the_reports_menu_for_coordinators_only(client: Client, log: None) -> None:
    client.force_login(user_with_role("coordinator", username="coord"))
    assert TOP in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(user_with_role("lead", municipality="kiruna", username="lead2"))
    assert TOP not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_retention_deletes_days_older_than_the_setting(log: None, settings: Settings) -> None:
    settings.SEARCH_LOG_RETENTION_DAYS = 30
    assert search_query_log_expire() == 1
    assert not SearchQueryDay.objects.filter(query="gammal fråga").exists()


@pytest.fixture
def promoted(kiruna: Municipality) -> dict[str, KnowledgePage]:
    ordinary = make_lesson(title="Förskoleplats i Kiruna", slug="forskola", municipality=kiruna)
    guide = make_method_card(title="Välkomstlots", slug="lots", summary="<p>En person som tar emot nya.</p>")
    hidden = make_method_card(title="Intern checklista", slug="intern-lista", visibility="internal")
    query = Query.get("förskoleplats")
    SearchPromotion.objects.create(query=query, page=hidden, sort_order=0)
    SearchPromotion.objects.create(query=query, page=guide, sort_order=1, description="Ring lotsen först")
    return {"ordinary": ordinary, "guide": guide}


def test_a_promoted_page_comes_first_in_the_api_and_on_the_page(
    client: Client, promoted: dict[str, KnowledgePage]
) -> None:
    data = client.get("/api/search/", {"q": "Förskoleplats"}).json()
    assert [r["slug"] for r in data["results"]] == ["lots", "forskola"]
    assert data["total"] == 2
    assert set(data["results"][0]) == {
        "slug",
        "title",
        "url",
        "type",
        "municipality",
        "score",
        "highlight",
    }
    body = client.get(reverse("search"), {"q": "förskoleplats"}).content.decode()
    assert body.index("Välkomstlots") < body.index("Förskoleplats i Kiruna")
    assert "Rekommenderas" in body
    assert "Intern checklista" not in body  # a promotion never shows what the reader may not see


def test_an_internal_promotion_is_shown_to_those_who_may_see_it(
    client: Client, promoted: dict[str, KnowledgePage]
) -> None:
    client.force_login(user_with_role("lead", municipality="kiruna", username="lead3"))
    slugs = [r["slug"] for r in client.get("/api/search/", {"q": "förskoleplats"}).json()["results"]]
    assert slugs == ["intern-lista", "lots", "forskola"]


def test_promotions_respect_the_type_filter(client: Client, promoted: dict[str, KnowledgePage]) -> None:
    data = client.get("/api/search/", {"q": "förskoleplats", "type": "lesson"}).json()
    assert [r["slug"] for r in data["results"]] == ["forskola"]
