"""Fixtures of the knowledge tests."""

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _swedish_by_default() -> Iterator[None]:
    # A request to /en/ leaves English active in the thread; URLs reversed by the next test would get /en/.
    with translation.override("sv"):
        yield
