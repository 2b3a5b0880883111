"""Fixtures of the knowledge tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.utils import translation
from modelsearch.backends import get_search_backend
from pytest_django.fixtures import Settings

if TYPE_CHECKING:
    from knowledge.search.backend import SearchBackend


@pytest.fixture(autouse=True)
def _swedish_by_default() -> Iterator[None]:
    # A request to /en/ leaves English active in the thread; URLs reversed by the next test would get /en/.
    with translation.override("sv"):
        yield


@pytest.fixture
def backend(settings: Settings, tmp_path: Path) -> SearchBackend:
    """The test's own empty Whoosh index: the database rolls back between tests, an index does not."""
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "knowledge.search.backend",
            "PATH": str(tmp_path / "search"),
            "SYNONYMS": "themes.selectors.search_synonyms",
        }
    }
    search: SearchBackend = get_search_backend()
    return search
