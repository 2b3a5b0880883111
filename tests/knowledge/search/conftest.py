"""Every search test gets its own empty Whoosh index (the `backend` fixture of tests/knowledge/conftest.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from knowledge.search.backend import SearchBackend


@pytest.fixture(autouse=True)
def _own_index(backend: SearchBackend) -> None:
    """Requested for every test here, whether or not the test names `backend` itself."""
