import pytest
from django.test import Client, override_settings

from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"


def test_login_and_logout(client: Client) -> None:
    user_with_role("lead", "kiruna", username="lead-kiruna")
    response = client.post("/accounts/login/", {"username": "lead-kiruna", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").context["user"].username == "lead-kiruna"
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert not client.get("/").context["user"].is_authenticated


def test_a_wrong_password_is_refused_with_a_message(client: Client) -> None:
    user_with_role("partner", username="partner")
    response = client.post("/accounts/login/", {"username": "partner", "password": "wrong"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_login_is_rate_limited_after_repeated_failures(client: Client) -> None:
    user_with_role("partner", username="partner")
    for _ in range(3):
        client.post("/accounts/login/", {"username": "partner", "password": "wrong"}, REMOTE_ADDR="10.0.0.7")
    response = client.post(
        "/accounts/login/", {"username": "partner", "password": PASSWORD}, REMOTE_ADDR="10.0.0.7"
    )
    assert response.status_code == 429
    assert not client.get("/").context["user"].is_authenticated


def test_weak_passwords_are_refused() -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("stigar123")
    validate_password("Midnattssol-over-Torne-2026")
