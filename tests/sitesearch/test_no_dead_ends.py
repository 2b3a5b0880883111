"""No dead ends: a query that finds nothing as typed is loosened step by step, says so, brings the closest method
cards, and is counted in the anonymous query log."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from knowledge.models import KnowledgePage
from sitesearch import selectors
from sitesearch.models import SearchQueryDay
from sitesearch.selectors import SearchOutcome
from tests.knowledge.factories import make_lesson, make_method_card
from themes.models import Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(kiruna: Municipality) -> dict[str, KnowledgePage]:
    return {
        "roads": make_lesson(
            title="Underhåll av vägar i byarna",
            slug="vagar",
            summary="<p>Grusvägarna hölls öppna med byns egen plog.</p>",
            municipality=kiruna,
        ),
        "care": make_lesson(
            title="Personal i hemtjänsten",
            slug="hemtjanst",
            summary="<p>Rekrytering av undersköterskor till glesbygden.</p>",
        ),
        "safari": make_method_card(
            title="Tjänstesafari",
            slug="safari",
            summary="<p>Besök tjänsterna i byn.</p>",
            evidence="measured",
        ),
        "week": make_method_card(
            title="Testvecka", slug="testvecka", summary="<p>En vecka på prov.</p>", evidence="anecdote"
        ),
        "hidden": make_method_card(
            title="Intern metod för vägunderhåll", slug="intern", visibility="internal"
        ),
    }


def search(query: str, user: Any = None) -> SearchOutcome:
    return selectors.search_everything(user=user, query=query)


def test_a_query_with_every_word_found_is_not_loosened(pages: dict[str, KnowledgePage]) -> None:
    outcome = search("vägar byarna")
    assert outcome.relaxation is None
    assert outcome.typed_total == outcome.total == 1
    assert outcome.method_cards == []


def test_some_words_found_are_shown_as_any_word_results(pages: dict[str, KnowledgePage]) -> None:
    outcome = search("vägar zebrafink")
    assert outcome.typed_total == 0
    assert outcome.relaxation == selectors.Relaxation.ANY_WORD
    assert [hit.slug for hit in outcome.results] == ["vagar"]


def test_a_compound_is_searched_by_its_parts_each_on_its_own(pages: dict[str, KnowledgePage]) -> None:
    # No page has both plog and personal; each part is on a page of its own. The Whoosh analyser already looks for
    # the parts on their own; backends that do not (the database backend) get them from the loosening step.
    assert {hit.slug for hit in search("plogpersonal").results} == {"vagar", "hemtjanst"}
    assert selectors._compound_parts_query("vägunderhåll i hemtjänstpersonal") == (
        "väg underhåll i hem tjänst personal"
    )
    # A word that is no compound leaves nothing to loosen (zebrafink would: the lexicon splits it into zebra + fink).
    assert selectors._compound_parts_query("personal") is None


def test_a_word_spelled_almost_the_same_is_found_fuzzily(pages: dict[str, KnowledgePage]) -> None:
    outcome = search("grusvägarnz")
    assert outcome.relaxation in {selectors.Relaxation.SUGGESTION, selectors.Relaxation.FUZZY}
    assert [hit.slug for hit in outcome.results] == ["vagar"]


def test_nothing_at_all_still_brings_the_best_proven_visible_method_cards(
    pages: dict[str, KnowledgePage],
) -> None:
    outcome = search("xylofonorkester")
    assert outcome.total == 0
    assert outcome.relaxation is None
    slugs = [card.slug for card in outcome.method_cards]
    assert slugs[0] == "safari"
    assert "intern" not in slugs


def test_closest_method_cards_follow_the_words_typed(pages: dict[str, KnowledgePage]) -> None:
    cards = selectors.closest_method_cards(user=None, query="testveckan zebrafink")
    assert cards[0].slug == "testvecka"


def test_the_page_says_it_loosened_the_query_and_what_it_searched(
    client: Client, pages: dict[str, KnowledgePage]
) -> None:
    body = client.get(reverse("search"), {"q": "vägar zebrafink"}).content.decode()
    assert "Inget matchade alla ord i ”vägar zebrafink”" in body
    assert "Underhåll av vägar i byarna" in body
    assert "search-methods" in body  # the method cards come along


def test_the_page_for_nothing_at_all_is_not_empty(client: Client, pages: dict[str, KnowledgePage]) -> None:
    body = client.get(reverse("search"), {"q": "xylofonorkester"}).content.decode()
    assert "xylofonorkester" in body
    assert "Tjänstesafari" in body
    assert "Intern metod" not in body


def test_every_search_is_counted_without_who_searched(
    client: Client, pages: dict[str, KnowledgePage], lead_kiruna: User
) -> None:
    client.get(reverse("search"), {"q": "Xylofonorkester"})
    client.get("/api/search/", {"q": "xylofonorkester  "})
    client.force_login(lead_kiruna)
    client.get(reverse("search"), {"q": "vägar byarna"})
    client.get(reverse("search"), {"q": "vägar byarna", "page": "2"})  # a further page is not a new search
    rows = {row.query: row for row in SearchQueryDay.objects.all()}
    assert rows["xylofonorkester"].searches == 2
    assert rows["xylofonorkester"].hits == 0
    assert rows["vägar byarna"].searches == 1
    assert rows["vägar byarna"].hits == 1
    assert {field.name for field in SearchQueryDay._meta.get_fields()} == {
        "id",
        "day",
        "query",
        "searches",
        "hits",
    }
