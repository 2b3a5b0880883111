"""/api/search/ and /search/: the INTERFACES.md shape, filters, did-you-mean, and visibility in every part of the answer."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from knowledge.models import KnowledgePage
from tests.factories import user_with_role
from tests.knowledge.factories import make_lesson, make_method_card
from themes.models import Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def knowledge(kiruna: Municipality, lulea: Municipality) -> dict[str, KnowledgePage]:
    return {
        "public": make_lesson(
            title="Coworking i Kiruna", municipality=kiruna, visibility="public", slug="cw-public"
        ),
        "partners": make_lesson(
            title="Coworking för partner", municipality=lulea, visibility="partners", slug="cw-partners"
        ),
        "internal": make_lesson(
            title="Coworking internt hemlighetsmakeri",
            municipality=lulea,
            visibility="internal",
            slug="cw-internal",
        ),
        "method": make_method_card(title="Coworking som metod", visibility="public", slug="cw-method"),
    }


def api(client: Client, **params: str) -> dict[str, Any]:
    response = client.get("/api/search/", params)
    assert response.status_code == 200
    answer: dict[str, Any] = response.json()
    return answer


def test_answer_has_the_contract_shape(client: Client, knowledge: dict[str, KnowledgePage]) -> None:
    data = api(client, q="coworking")
    assert set(data) == {"query", "total", "suggestion", "facets", "results"}
    assert set(data["results"][0]) == {"slug", "title", "url", "type", "municipality", "score", "highlight"}
    assert data["query"] == "coworking"


def test_anonymous_sees_only_public_pages_in_results_counts_and_facets(
    client: Client, knowledge: dict[str, KnowledgePage]
) -> None:
    data = api(client, q="coworking")
    assert {r["slug"] for r in data["results"]} == {"cw-public", "cw-method"}
    assert data["total"] == 2
    assert "lulea" not in data["facets"]["municipality"]
    assert data["facets"]["type"] == {"lesson": 1, "method": 1}


def test_partner_also_sees_partner_pages_but_not_internal_ones(
    client: Client, knowledge: dict[str, KnowledgePage]
) -> None:
    client.force_login(user_with_role("partner", username="p"))
    assert {r["slug"] for r in api(client, q="coworking")["results"]} == {
        "cw-public",
        "cw-partners",
        "cw-method",
    }


def test_lead_sees_internal_pages(client: Client, knowledge: dict[str, KnowledgePage]) -> None:
    client.force_login(user_with_role("lead", "kiruna", username="l"))
    assert api(client, q="coworking")["total"] == 4


def test_no_suggestion_reveals_an_internal_word_to_anonymous(
    client: Client, knowledge: dict[str, KnowledgePage]
) -> None:
    data = api(client, q="hemlighetsmakery")
    assert data == {
        "query": "hemlighetsmakery",
        "total": 0,
        "suggestion": None,
        "facets": data["facets"],
        "results": [],
    }
    assert all(not counts for counts in data["facets"].values())


def test_misspelled_query_returns_results_for_the_correction(
    client: Client, knowledge: dict[str, KnowledgePage]
) -> None:
    data = api(client, q="cowrking")
    assert data["suggestion"] == "coworking"
    assert data["total"] == 2


def test_municipality_filter_takes_slug_or_scb_code(
    client: Client, knowledge: dict[str, KnowledgePage]
) -> None:
    by_slug = api(client, q="coworking", municipality="kiruna")
    by_code = api(client, q="coworking", municipality="2584")
    assert [r["slug"] for r in by_slug["results"]] == ["cw-public"] == [r["slug"] for r in by_code["results"]]
    assert by_slug["results"][0]["municipality"] == "kiruna"


def test_type_filter(client: Client, knowledge: dict[str, KnowledgePage]) -> None:
    assert [r["type"] for r in api(client, q="coworking", type="method")["results"]] == ["method"]


def test_hits_carry_a_marked_passage(client: Client, knowledge: dict[str, KnowledgePage]) -> None:
    first = api(client, q="testvecka coworking")["results"][0]
    assert first["slug"] == "cw-public"
    assert "<mark>testvecka</mark>" in first["highlight"]


def test_pages_with_every_word_rank_above_pages_with_some(
    client: Client, knowledge: dict[str, KnowledgePage]
) -> None:
    slugs = [r["slug"] for r in api(client, q="kiruna coworking")["results"]]
    assert slugs[0] == "cw-public"
    assert set(slugs[1:]) == {"cw-method"}


def test_autocomplete_offers_visible_titles_only(client: Client, knowledge: dict[str, KnowledgePage]) -> None:
    response = client.get("/api/search/autocomplete/", {"q": "cowork"})
    assert "Coworking internt hemlighetsmakeri" not in response.json()["results"]
    assert "Coworking i Kiruna" in response.json()["results"]


def test_search_page_shows_results_and_suggestion(
    client: Client, knowledge: dict[str, KnowledgePage]
) -> None:
    response = client.get(reverse("search"), {"q": "cowrking"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Coworking i Kiruna" in body
    assert "coworking</a>" in body
    assert "hemlighetsmakeri" not in body
    # A hit names its municipality, not the slug the JSON API carries.
    assert " · Kiruna</p>" in body
    assert " · kiruna</p>" not in body


def test_sprints_are_searched_with_their_own_visibility(
    client: Client, kiruna: Municipality, lead_kiruna: User
) -> None:
    from tests.sprints.conftest import make_sprint

    make_sprint(lead_kiruna, kiruna, title="Hundspannsturism för inflyttare", visibility="public")
    make_sprint(lead_kiruna, kiruna, title="Hundspannsturism internt", visibility="internal")
    data = api(client, q="hundspannsturism")
    assert [(r["type"], r["title"]) for r in data["results"]] == [
        ("sprint", "Hundspannsturism för inflyttare")
    ]
    assert data["facets"]["type"] == {"sprint": 1}
    assert api(client, q="hundspannsturism", work_package="WP2")["total"] == 0
    assert api(client, q="hundspannsturism", work_package="WP1")["total"] == 1
