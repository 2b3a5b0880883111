"""The search glossary: who maintains it, how it expands queries, and the OpenSearch settings made from it."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from modelsearch.backends import get_search_backend
from pytest_django.fixtures import Settings

from knowledge.models import LessonPage
from knowledge.search import backend as whoosh
from knowledge.search.analysis import Synonyms, query_words, text_analyzer
from knowledge.search.opensearch import decompound_words, index_settings, synonym_rules
from sitesearch import selectors
from sitesearch.models import GlossaryEntry
from sitesearch.services import glossary_entry_create
from sitesearch.wagtail_hooks import GlossaryPermissionPolicy
from tests.factories import user_with_role
from tests.knowledge.factories import make_lesson
from themes.models import Municipality

pytestmark = pytest.mark.django_db


def stems(text: str, language: str = "sv") -> set[str]:
    return {token.text for token in text_analyzer(language)(text)}


def test_only_the_coordinating_team_maintains_the_glossary() -> None:
    coordinator = user_with_role("coordinator")
    lead = user_with_role("lead", municipality="kiruna")
    entry = glossary_entry_create(user=coordinator, swedish="förskoleplats", english="preschool place")
    assert entry.names() == ["förskoleplats", "preschool place"]
    with pytest.raises(PermissionDenied):
        glossary_entry_create(user=lead, swedish="välkomstlots")
    policy = GlossaryPermissionPolicy(GlossaryEntry)
    assert policy.user_has_permission(coordinator, "change")
    assert not policy.user_has_permission(lead, "change")
    assert not policy.user_has_any_permission(lead, ["add", "change", "delete"])


def test_the_backend_synonyms_hold_aliases_taxonomy_labels_and_the_glossary() -> None:
    glossary_entry_create(
        user=None,
        swedish="inflyttarlots, välkomstlots",
        english="relocation guide",
        skip_permission_checks=True,
    )
    groups = selectors.search_synonyms()
    assert ["inflyttarlots", "välkomstlots", "relocation guide"] in groups
    assert ["Tjänstesafari", "Service safari"] in groups  # taxonomy label pair
    assert any("Giron" in group for group in groups)  # municipality alias


def test_an_english_phrase_query_asks_for_its_swedish_equivalent_and_its_parts() -> None:
    synonyms = Synonyms([["förskoleplats", "preschool place"]])
    (word,) = query_words("preschool places", "sv", synonyms)
    assert stems("förskoleplats") <= word.terms()
    assert stems("förskola") <= word.terms()  # förskoleplats -> förskola + plats
    # "in kiruna" is no phrase of the name "kiruna": the stop word is not part of a name.
    words = query_words("in Kiruna", "en", Synonyms([["Kiruna", "Giron"]]))
    assert [w.surface for w in words] == ["kiruna"]


def test_an_english_query_finds_a_swedish_page_through_the_glossary(
    settings: Settings, tmp_path: Path, kiruna: Municipality
) -> None:
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "knowledge.search.backend",
            "PATH": str(tmp_path / "search"),
            "SYNONYMS": "sitesearch.selectors.search_synonyms",
        }
    }
    whoosh._SYNONYM_CACHE.clear()  # the backend keeps synonyms for a minute; this test's glossary is new
    glossary_entry_create(
        user=None, swedish="förskoleplats", english="preschool place", skip_permission_checks=True
    )
    page = make_lesson(title="Förskoleplatser först", municipality=kiruna)
    make_lesson(title="Sommarjobb för unga", municipality=kiruna)
    backend = get_search_backend()
    assert [found.pk for found in backend.search("preschool places", LessonPage)] == [page.pk]


def test_opensearch_settings_carry_the_glossary_and_the_lexicon() -> None:
    groups = [["förskoleplats", "Preschool place"], ["Kiruna", "Giron", "kiruna"], ["ensam"]]
    assert synonym_rules(groups) == ["förskoleplats, preschool place", "giron, kiruna"]
    settings = index_settings(groups)
    analysis = settings["analysis"]
    filters = analysis["filter"]
    assert filters["stigar_synonyms"] == {
        "type": "synonym_graph",
        "synonyms": ["förskoleplats, preschool place", "giron, kiruna"],
        "lenient": True,
    }
    decompounder = filters["stigar_sv_decompounder"]
    assert decompounder["type"] == "dictionary_decompounder"
    assert {"bostad", "brist", "skola", "plats"} <= set(decompounder["word_list"])
    assert "för" not in decompounder["word_list"]  # a particle, not a compound part
    assert decompounder["word_list"] == decompound_words()
    assert filters["stigar_sv_stemmer"] == {"type": "stemmer", "language": "swedish"}
    for name, analyzer in analysis["analyzer"].items():
        assert analyzer["type"] == "custom"
        assert analyzer["char_filter"] == ["stigar_folding"]
        assert all(f in filters or f == "lowercase" for f in analyzer["filter"]), name
    assert "stigar_synonyms" in analysis["analyzer"]["stigar_sv_search"]["filter"]
    assert "stigar_synonyms" not in analysis["analyzer"]["stigar_sv"]["filter"]  # synonyms at query time only
    mappings = analysis["char_filter"]["stigar_folding"]["mappings"]
    assert "é=>e" in mappings
    assert "Á=>a" in mappings
    assert not any(m.startswith(("å", "ä", "ö", "Å", "Ä", "Ö")) for m in mappings)
