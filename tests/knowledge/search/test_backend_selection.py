"""SEARCH_BACKEND picks the backend: Whoosh by default, modelsearch's own backends to scale out."""

from pathlib import Path

import pytest
from modelsearch.backends import get_search_backend
from pytest_django.fixtures import Settings

from knowledge.search.backend import SearchBackend
from portal.settings.base import search_backends


def test_whoosh_keeps_its_index_in_the_data_dir(tmp_path: Path) -> None:
    config = search_backends("whoosh", data_dir=tmp_path, url="")["default"]
    assert config["BACKEND"] == "knowledge.search.backend"
    assert config["PATH"] == str(tmp_path / "search")


def test_whoosh_is_the_default_backend_in_settings(settings: Settings) -> None:
    assert settings.WAGTAILSEARCH_BACKENDS["default"]["BACKEND"] == "knowledge.search.backend"
    assert isinstance(get_search_backend(), SearchBackend)


@pytest.mark.django_db
def test_database_selects_modelsearchs_database_backend(settings: Settings, tmp_path: Path) -> None:
    from django.db import connection

    settings.WAGTAILSEARCH_BACKENDS = search_backends("database", data_dir=tmp_path, url="")
    # modelsearch's database backend resolves to the implementation for the database in use.
    expected = {
        "sqlite": "modelsearch.backends.database.sqlite",
        "postgresql": "modelsearch.backends.database.postgres",
    }
    assert type(get_search_backend()).__module__.startswith(expected[connection.vendor])


@pytest.mark.parametrize(
    ("name", "module"),
    [
        ("opensearch", "modelsearch.backends.opensearch2"),
        ("elasticsearch", "modelsearch.backends.elasticsearch8"),
    ],
)
def test_search_servers_select_modelsearchs_backends_with_the_url(
    tmp_path: Path, name: str, module: str
) -> None:
    config = search_backends(name, data_dir=tmp_path, url="http://search:9200")["default"]
    assert config["BACKEND"] == module
    assert config["URLS"] == ["http://search:9200"]


@pytest.mark.parametrize("name", ["opensearch", "elasticsearch"])
def test_search_servers_need_a_url(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match="SEARCH_URL"):
        search_backends(name, data_dir=tmp_path, url="")
