"""The Whoosh backend on real knowledge pages: Swedish analysis, aliases, did-you-mean, highlights, facets."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from knowledge.models import KnowledgePage, LessonPage
from knowledge.search.backend import SearchBackend
from tests.knowledge.factories import make_lesson, make_method_card
from themes.models import Municipality

pytestmark = pytest.mark.django_db


def titles(results: Iterable[KnowledgePage]) -> list[str]:
    return [page.title for page in results]


def test_a_published_page_is_found(backend: SearchBackend) -> None:
    make_lesson(title="Prova-på-boende i Pajala")
    assert titles(backend.search("boende", KnowledgePage)) == ["Prova-på-boende i Pajala"]


def test_inflected_query_finds_the_base_form(backend: SearchBackend) -> None:
    make_lesson(title="Kommunernas lärdomar om inflyttare")
    assert titles(backend.search("kommun lärdom", KnowledgePage)) == ["Kommunernas lärdomar om inflyttare"]


def test_compound_query_finds_its_parts_and_the_reverse(backend: SearchBackend) -> None:
    make_lesson(title="Brist på bostäder bromsar inflyttningen", slug="brist")
    make_lesson(title="Bostadsbristen i inlandet", slug="bostadsbrist")
    assert set(titles(backend.search("bostadsbrist", KnowledgePage))) == {
        "Brist på bostäder bromsar inflyttningen",
        "Bostadsbristen i inlandet",
    }
    assert set(titles(backend.search("brist på bostäder", KnowledgePage))) == {
        "Brist på bostäder bromsar inflyttningen",
        "Bostadsbristen i inlandet",
    }


def test_skills_supply_compound_finds_the_phrase(backend: SearchBackend) -> None:
    make_lesson(title="Försörjning av kompetens till vården")
    assert titles(backend.search("kompetensförsörjning", KnowledgePage)) == [
        "Försörjning av kompetens till vården"
    ]


def test_a_municipality_alias_finds_content_that_names_the_municipality(backend: SearchBackend) -> None:
    # No municipality set: only the synonyms from the taxonomy connect "Giron" to the text.
    make_lesson(title="Testvecka för nyinflyttade", summary="<p>Fem familjer bodde en vecka i Kiruna.</p>")
    make_lesson(title="Testvecka i Luleå", summary="<p>Fem familjer bodde en vecka i Luleå.</p>")
    assert titles(backend.search("Giron", KnowledgePage)) == ["Testvecka för nyinflyttade"]


def test_misspelled_query_gets_the_whole_corrected_query(backend: SearchBackend) -> None:
    make_lesson(title="Distansarbete lockar till inlandet")
    assert backend.suggest("distansarbte inlandet") == "distansarbete inlandet"
    assert backend.suggest("distansarbete inlandet") is None


def test_no_suggestion_from_words_the_caller_cannot_see(backend: SearchBackend) -> None:
    make_lesson(title="Hemlighetsfull förhandling", visibility="internal")
    public = KnowledgePage.objects.live().filter(visibility="public")
    assert backend.suggest("hemlighetsfyll", KnowledgePage) == "hemlighetsfull"
    assert backend.suggest("hemlighetsfyll", public) is None


def test_highlight_marks_the_matching_passage(backend: SearchBackend) -> None:
    make_lesson(
        title="Mottagande",
        summary="<p>Ett välkomstpaket gjorde stor skillnad för nya invånare som flyttade till byn.</p>",
    )
    (page,) = backend.search("välkomstpaket", KnowledgePage).annotate_highlight("highlight")
    assert "<mark>välkomstpaket</mark>" in page.highlight


def test_the_passage_is_the_pages_prose_without_its_list_of_tags(backend: SearchBackend) -> None:
    make_lesson(
        title="Mottagande",
        summary="<p>Ett välkomstpaket gjorde stor skillnad.</p>",
        tags=("förskola", "barnfamiljer"),
    )
    (page,) = backend.search("välkomstpaket", KnowledgePage).annotate_highlight("highlight")
    assert "<mark>välkomstpaket</mark>" in page.highlight
    assert "förskola" not in page.highlight
    # The tags are still searched.
    assert backend.search("barnfamiljer", KnowledgePage).count() == 1


def test_facets_count_matching_pages_per_value(
    backend: SearchBackend, kiruna: Municipality, lulea: Municipality
) -> None:
    make_lesson(title="Skoterspår för turister", municipality=kiruna)
    make_lesson(title="Skoter och friluftsliv", municipality=kiruna)
    make_lesson(title="Skoterpark", municipality=lulea)
    make_method_card(title="Skoterhyra", municipality=lulea)
    facets = backend.search("skoter", LessonPage).facet("municipality")
    assert dict(facets) == {kiruna.pk: 2, lulea.pk: 1}


def test_filters_apply_before_counting(
    backend: SearchBackend, kiruna: Municipality, lulea: Municipality
) -> None:
    make_lesson(title="Vinterpendling", municipality=kiruna, visibility="public")
    make_lesson(title="Vinterpendling internt", municipality=kiruna, visibility="internal")
    public = KnowledgePage.objects.live().filter(visibility="public")
    assert backend.search("vinterpendling", public).count() == 1


def test_autocomplete_completes_title_prefixes(backend: SearchBackend) -> None:
    make_lesson(title="Bostadsmässa i Boden")
    assert titles(backend.autocomplete("bostadsm", KnowledgePage)) == ["Bostadsmässa i Boden"]


def test_unpublishing_removes_a_page_from_results(backend: SearchBackend) -> None:
    page = make_lesson(title="Fjällcoworking")
    page.unpublish()
    assert titles(backend.search("fjällcoworking", KnowledgePage.objects.live())) == []


def test_deleting_removes_a_page_from_the_index(backend: SearchBackend) -> None:
    page = make_lesson(title="Fjällcoworking")
    page.delete()
    assert backend.search("fjällcoworking", KnowledgePage).count() == 0
    assert backend.index_status()["documents"] >= 0


def test_index_status_reports_documents_and_age(backend: SearchBackend) -> None:
    make_lesson(title="Något att räkna")
    status = backend.index_status()
    assert status["backend"] == "whoosh"
    assert status["documents"] >= 1
    assert 0 <= status["age_seconds"] < 600


def test_english_page_is_found_by_english_inflection(backend: SearchBackend) -> None:
    make_lesson(title="Newcomers valued the welcome guides", language="en")
    assert titles(backend.search("guide welcoming", KnowledgePage)) == ["Newcomers valued the welcome guides"]


def test_reset_empties_the_index(backend: SearchBackend) -> None:
    make_lesson(title="Att tömma")
    backend.reset_indexes()
    assert backend.index_status()["documents"] == 0
    assert backend.search("tömma", KnowledgePage).count() == 0


def test_no_suggestion_for_an_inflection_that_finds_pages(backend: SearchBackend) -> None:
    make_lesson(title="Förskoleplatsen är första frågan")
    assert backend.suggest("förskoleplatser", KnowledgePage) is None
