"""A path under /api/ that no endpoint matches answers the API's JSON 404, whatever the method (#17, found by
schemathesis: `/api/sprints/abc/comments/` was served by Wagtail as an HTML page, and a POST there was a CSRF 403)."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/api/sprints/abc/comments/", "/api/sprints/0.5/", "/api/sprints/1/results/x/", "/api/nothing/"]
)
@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_an_unknown_api_path_is_a_json_404(path: str, method: str) -> None:
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}


def test_a_path_without_its_slash_is_still_redirected_and_pages_are_still_html(client: Client) -> None:
    assert client.get("/api/sprints").status_code == 301
    page = client.get("/finns-inte/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")


def test_a_request_django_refuses_before_any_view_is_a_json_400_under_api(client: Client) -> None:
    response = client.get("/api/sprints/", HTTP_HOST="not-ours.example")  # DisallowedHost
    assert response.status_code == 400
    assert set(response.json()) == {"detail"}
    assert client.get("/", HTTP_HOST="not-ours.example")["Content-Type"].startswith("text/html")
