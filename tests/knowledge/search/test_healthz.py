"""/healthz reports the Whoosh index's document count and age."""

import pytest

from portal.healthz import check_search
from tests.knowledge.factories import make_lesson

pytestmark = pytest.mark.django_db


def test_search_check_reports_whoosh_documents_and_age() -> None:
    make_lesson(title="Räknas i hälsokontrollen")
    result = check_search()
    assert result["status"] == "ok"
    assert result["backend"] == "whoosh"
    assert result["documents"] >= 1
    assert result["age_seconds"] >= 0
