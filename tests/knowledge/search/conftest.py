"""Every search test gets its own empty Whoosh index: the database rolls back between tests, an index does not."""

import pytest
from modelsearch.backends import get_search_backend


@pytest.fixture(autouse=True)
def backend(settings, tmp_path):
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "knowledge.search.backend",
            "PATH": str(tmp_path / "search"),
            "SYNONYMS": "themes.selectors.search_synonyms",
        }
    }
    return get_search_backend()
