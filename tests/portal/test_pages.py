import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from themes.models import Municipality

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "language", "greeting"),
    [("/", "sv", "Dags att trampa upp nya stigar"), ("/en/", "en", "Time to tread new paths")],
)
def test_home_is_swedish_by_default_english_at_en_and_lists_all_fourteen_municipalities(
    client: Client, path: str, language: str, greeting: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert greeting in html
    names = list(Municipality.objects.values_list("name", flat=True))
    assert len(names) == 14
    assert "Övertorneå" in names  # the names are the same in both languages
    for name in names:
        assert f">{name}<" in html


def test_home_has_landmarks_and_a_skip_link(client: Client) -> None:
    html = client.get("/").content.decode()
    assert 'class="skip-link" href="#main"' in html
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in html


def test_language_switcher_links_to_the_same_page_in_the_other_language(client: Client) -> None:
    html = client.get("/accounts/login/").content.decode()
    assert 'href="/en/accounts/login/"' in html


def test_healthz_is_ok_when_database_broker_and_search_answer(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "broker", "search", "jobs"}
    assert all(check["status"] == "ok" for check in body["checks"].values())


def test_healthz_is_degraded_with_503_when_the_broker_is_unreachable(
    client: Client, settings: Settings
) -> None:
    from portal.celery import app

    previous = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = previous
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["broker"]["status"] == "error"
    assert body["checks"]["database"]["status"] == "ok"


def test_no_page_loads_assets_from_a_cdn(client: Client) -> None:
    html = client.get("/").content.decode()
    assert "//cdn" not in html
    assert "googleapis" not in html
    assert "unpkg" not in html


def test_openapi_schema_is_served(client: Client) -> None:
    response = client.get(reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


def test_healthz_is_degraded_while_an_import_is_stuck_longer_than_the_threshold(
    client: Client, settings: Settings, kiruna: Municipality
) -> None:
    import datetime as dt

    from django.utils import timezone

    from insights.models import ImportBatch

    settings.IMPORT_STUCK_SECONDS = 600
    batch = ImportBatch.objects.create(
        municipality=kiruna, file_name="a.csv", status=ImportBatch.Status.RUNNING
    )
    ImportBatch.objects.filter(pk=batch.pk).update(heartbeat_at=timezone.now() - dt.timedelta(seconds=60))
    assert client.get("/healthz").json()["checks"]["jobs"]["status"] == "ok"
    ImportBatch.objects.filter(pk=batch.pk).update(heartbeat_at=timezone.now() - dt.timedelta(seconds=601))
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["jobs"] == {"status": "degraded", "stuck_imports": 1, "threshold_seconds": 600}
