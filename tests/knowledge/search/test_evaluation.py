"""Whole-posting-list evaluation gives Whoosh's own matches and scores; rebuilds write in large (multi-process) batches."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from pytest_django.fixtures import Settings
from whoosh import query as wquery
from whoosh.fields import Schema
from whoosh.searching import Searcher

from knowledge.models import KnowledgePage
from knowledge.search import backend as search_backend
from knowledge.search.backend import SearchBackend
from tests.knowledge.factories import make_lesson

pytestmark = pytest.mark.django_db

TEXTS = [
    ("Prova-på-boende i Pajala", "<p>Familjer bodde en vecka i byn och provade distansarbete.</p>"),
    ("Distansarbetare stannar längre", "<p>En coworkingyta i byn fick distansarbetare att stanna.</p>"),
    ("Bostadsbrist bromsar inflyttningen", "<p>Det saknas lägenheter för korttidsboende.</p>"),
    ("Välkomstsamtal till nyinflyttade", "<p>Kommunen ringde alla som flyttat in under våren.</p>"),
    ("Lokala värdar visar vardagen", "<p>Värdar visade skolan, förskolan och föreningslivet.</p>"),
]


def whoosh_scores(searcher: Searcher, query: wquery.Query) -> dict[int, float]:
    return {docnum: score for score, docnum in searcher.search(query, limit=None).top_n}


@pytest.fixture
def lessons(backend: SearchBackend) -> SearchBackend:
    for number, (title, summary) in enumerate(TEXTS):
        make_lesson(title=title, summary=summary, slug=f"lesson-{number}")
    return backend


QUERIES: dict[str, Callable[[Terms], wquery.Query]] = {
    "term": lambda t: wquery.Term(t.field("title"), t("distansarbetare")),
    "or of fields": lambda t: wquery.Or(
        [
            wquery.Term(t.field("title"), t("byn"), boost=2.0),
            wquery.Term(t.field("summary"), t("byn"), boost=3.0),
        ]
    ),
    "and": lambda t: wquery.And(
        [wquery.Term(t.field("summary"), t("byn")), wquery.Term(t.field("summary"), t("familjer"))]
    ),
    "not": lambda t: wquery.And(
        [
            wquery.Term(t.field("summary"), t("byn")),
            wquery.Not(wquery.Term(t.field("summary"), t("familjer"))),
        ]
    ),
    "every or term": lambda t: wquery.Or([wquery.Every(), wquery.Term(t.field("title"), t("värdar"))]),
    "phrase (Whoosh's own matcher)": lambda t: wquery.Phrase(t.field("summary"), [t("familjer"), t("bodde")]),
    "prefix": lambda t: wquery.Prefix(t.field("title"), "dist"),
}


class Terms:
    """The indexed (Swedish-analysed) form of a word, as the backend would put it in a query."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema

    @staticmethod
    def field(path: str) -> str:
        return search_backend._field_name(path, "sv")

    def __call__(self, word: str) -> str:
        analyzer = self.schema[self.field("summary")].analyzer
        return str(next(token.text for token in analyzer(word, mode="index")))


@pytest.mark.parametrize("name", QUERIES)
def test_arrays_match_and_score_as_whoosh_does(lessons: SearchBackend, name: str) -> None:
    handle = lessons.handle
    query = QUERIES[name](Terms(handle.index.schema))
    expected = whoosh_scores(handle.searcher(), query)
    evaluation = handle.generation().evaluator.evaluate(query)
    found = dict(evaluation.best())
    assert expected, f"the {name} query should match something"
    assert found.keys() == expected.keys()
    for docnum, score in expected.items():
        assert found[docnum] == pytest.approx(score, rel=1e-9)


def test_best_keeps_index_order_for_equal_scores_and_counts_every_match(lessons: SearchBackend) -> None:
    evaluation = lessons.handle.generation().evaluator.evaluate(wquery.Every())
    best = evaluation.best(3)
    assert [docnum for docnum, _ in best] == sorted(docnum for docnum, _ in best)
    assert evaluation.count() == lessons.handle.searcher().doc_count()


def test_an_empty_slice_asks_for_no_hits(lessons: SearchBackend) -> None:
    results = lessons.search("distansarbetare", KnowledgePage)
    assert list(results[0:0]) == []
    assert lessons.handle.generation().evaluator.evaluate(wquery.Every()).best(0) == []


def test_a_deleted_page_drops_out_though_its_postings_were_read_before(lessons: SearchBackend) -> None:
    query = "distansarbetare"
    assert lessons.search(query, KnowledgePage).count() == 2
    page = KnowledgePage.objects.get(slug="lesson-1")
    page.delete()
    assert [p.title for p in lessons.search(query, KnowledgePage)] == ["Prova-på-boende i Pajala"]
    assert lessons.search(query, KnowledgePage).count() == 1


def test_filters_of_few_and_of_many_matches_give_the_same_answer(
    lessons: SearchBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_lesson(
        title="Distansarbete i Kiruna", summary="<p>Internt.</p>", slug="internal", visibility="internal"
    )
    public = KnowledgePage.objects.live().filter(visibility="public")
    probed = [p.title for p in lessons.search("distansarbete", public)]
    monkeypatch.setattr(search_backend, "PK_PROBE_LIMIT", 0)  # list every object passing the filters instead
    listed = [p.title for p in lessons.search("distansarbete", public)]
    assert probed == listed
    assert "Distansarbete i Kiruna" not in listed
    assert len(listed) == 2


def test_a_rebuild_writes_large_batches_in_several_processes(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "knowledge.search.backend",
            "PATH": str(tmp_path / "multi"),
            "REBUILD_BATCH": 8,
            "REBUILD_PROCS": 2,
            "AUTO_UPDATE": False,
        }
    }
    monkeypatch.setattr(search_backend, "MULTIPROCESS_MINIMUM", 2)
    for number in range(20):
        make_lesson(title=f"Testvecka nummer {number}", slug=f"multi-{number}")
    call_command("update_index", verbosity=0)

    from modelsearch.backends import get_search_backend

    backend = get_search_backend()
    assert backend.search("testvecka", KnowledgePage).count() == 20
    # One batch (modelsearch hands over the lessons together), analysed by two processes, one segment each.
    segments = [segment.doc_count_all() for segment in backend.handle.index._segments()]
    assert sum(segments) == backend.index_status()["documents"]
    assert len(segments) >= 3
