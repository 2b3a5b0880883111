"""Fixtures of the knowledge tests."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _swedish_by_default():
    # A request to /en/ leaves English active in the thread; URLs reversed by the next test would get /en/.
    with translation.override("sv"):
        yield
